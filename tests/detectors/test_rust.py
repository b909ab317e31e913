"""RustDetector over small inline Cargo trees."""

from __future__ import annotations

from launchbay.detectors.rust import RustDetector, toml_line
from tests.conftest import assert_evidence_holds, facts_of, run_detector, values_of

AXUM_CARGO = """[package]
name = "api-server"
version = "0.1.0"
edition = "2021"
rust-version = "1.75"

[dependencies]
axum = "0.7"
tokio = { version = "1", features = ["full"] }
sqlx = { version = "0.7", features = ["postgres"] }

[dev-dependencies]
teloxide = "0.12"
"""

AXUM_MAIN = """use axum::{routing::get, Router};

#[tokio::main]
async fn main() {
    sqlx::migrate!("./db/migrations").run(&pool).await.unwrap();
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/users", get(users));
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3001);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
"""


def test_axum_service(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "Cargo.toml": AXUM_CARGO,
        "rust-toolchain.toml": "[toolchain]\nchannel = \"1.78.0\"\ncomponents = [\"clippy\"]\n",
        "src/main.rs": AXUM_MAIN,
        "tests/it.rs": "#[test]\nfn t() { let _ = TcpListener::bind(\"127.0.0.1:9999\"); }\n",
    })
    facts = run_detector(RustDetector(), root)
    assert values_of(facts, "language", ".") == {"rust"}
    assert values_of(facts, "package_manager", ".") == {"cargo"}
    assert values_of(facts, "name", ".") == {"api-server"}
    assert values_of(facts, "runtime_version", ".") == {"rust 1.78.0"}  # toolchain file beats rust-version
    assert values_of(facts, "framework", ".") == {"axum"}  # dev-dependencies do not count
    assert values_of(facts, "role", ".") == {"http-server"}
    assert values_of(facts, "port", ".") == {3000, 3001}  # two explicit values: the assembler shows a conflict
    env = next(f for f in facts_of(facts, "port") if f.value == 3001)
    assert env.evidence.line == 12 and env.evidence.quote == ".unwrap_or(3001);"
    assert values_of(facts, "health_endpoint", ".") == {"/health"}
    assert values_of(facts, "build_command", ".") == {"cargo build --release"}
    assert values_of(facts, "start_command", ".") == {"./target/release/api-server"}
    assert facts_of(facts, "start_command")[0].evidence.quote == "async fn main() {"
    assert values_of(facts, "test_command", ".") == {"cargo test"}
    assert values_of(facts, "migration_tool", ".") == {"sqlx"}
    assert values_of(facts, "migration_command", ".") == {"sqlx migrate run --source db/migrations"}
    assert_evidence_holds(root, facts)


def test_workspace_members_bins_and_inherited_rust_version(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "Cargo.toml": "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nrust-version = \"1.74\"\n",
        "rust-toolchain": "\nnightly-2024-05-01\n",
        "crates/core/Cargo.toml": "[package]\nname = \"core\"\nrust-version.workspace = true\n",
        "crates/core/src/lib.rs": "pub fn f() {}\n",
        "crates/relayer/Cargo.toml": (
            "[package]\nname = \"relayer\"\ndefault-run = \"relay\"\n\n"
            "[[bin]]\nname = \"relay\"\npath = \"src/relay.rs\"\n\n"
            "[dependencies]\nalloy = { version = \"0.3\", features = [\"full\"] }\n"
            "web = { package = \"actix-web\", version = \"4\", optional = true }\n"
        ),
        "crates/relayer/src/relay.rs": "fn main() {}\n",
        "crates/relayer/src/bin/backfill.rs": "fn main() {}\n",
        "crates/keeper/Cargo.toml": "[package]\nname = \"keeper\"\n\n[dependencies.ethers]\nversion = \"2\"\n",
        "crates/keeper/src/main.rs": "fn main() {}\n",
        "crates/keeper/diesel.toml": "[print_schema]\nfile = \"src/schema.rs\"\n",
    })
    facts = run_detector(RustDetector(), root)
    assert values_of(facts, "role", ".") == {"workspace"}
    assert values_of(facts, "runtime_version", ".") == {"rust nightly-2024-05-01"}
    # the toolchain file at the workspace root applies to members too
    assert values_of(facts, "runtime_version", "crates/core") == {"rust nightly-2024-05-01"}
    assert values_of(facts, "role", "crates/core") == {"library"}
    assert not facts_of(facts, "start_command", "crates/core")
    assert values_of(facts, "framework", "crates/relayer") == {"actix-web"}  # renamed dependency
    assert values_of(facts, "role", "crates/relayer") == {"http-server"}
    assert values_of(facts, "start_command", "crates/relayer") == {"./target/release/relay"}
    entry = {(f.value, f.detail) for f in facts_of(facts, "entrypoint", "crates/relayer")}
    assert entry == {("src/relay.rs", "relay"), ("src/bin/backfill.rs", "backfill")}
    assert values_of(facts, "role", "crates/keeper") == {"worker"}
    assert facts_of(facts, "role", "crates/keeper")[0].evidence.quote == "[dependencies.ethers]"
    assert values_of(facts, "migration_command", "crates/keeper") == {"diesel migration run"}
    assert_evidence_holds(root, facts)


def test_inherited_rust_version_without_toolchain(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "Cargo.toml": "[workspace]\nmembers = [\"bot\"]\n\n[workspace.package]\nrust-version = \"1.74\"\n",
        "bot/Cargo.toml": (
            "[package]\nname = \"tg-bot\"\nrust-version = { workspace = true }\n\n[dependencies]\n"
            "teloxide = \"0.12\"\ntokio-cron-scheduler = \"0.10\"\n"
        ),
        "bot/src/main.rs": "fn main() {\n    let p = env::var(\"DB_PORT\").unwrap_or(\"5432\".into());\n}\n",
    })
    facts = run_detector(RustDetector(), root)
    rv = facts_of(facts, "runtime_version", "bot")
    assert [(f.value, f.evidence.file, f.evidence.line) for f in rv] == [("rust 1.74", "Cargo.toml", 5)]
    assert values_of(facts, "role", "bot") == {"bot", "cron"}
    assert values_of(facts, "framework", "bot") == {"teloxide", "tokio-cron-scheduler"}
    assert not facts_of(facts, "port", "bot")  # DB_PORT belongs to a database
    assert_evidence_holds(root, facts)


def test_anchor_workspace(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "Anchor.toml": "[toolchain]\nanchor_version = \"0.30.1\"\n\n[programs.localnet]\nvault = \"Vau1t111\"\n",
        "Cargo.toml": "[workspace]\nmembers = [\"programs/*\"]\n",
        "programs/vault/Cargo.toml": (
            "[package]\nname = \"vault\"\n\n[lib]\ncrate-type = [\"cdylib\", \"lib\"]\n\n"
            "[dependencies]\nanchor-lang = \"0.30.1\"\n"
        ),
        "programs/vault/src/lib.rs": "use anchor_lang::prelude::*;\n",
    })
    facts = run_detector(RustDetector(), root)
    assert values_of(facts, "role", ".") == {"workspace", "contracts"}
    assert values_of(facts, "framework", ".") == {"anchor"}
    assert values_of(facts, "build_command", ".") == {"anchor build", "cargo build --release"}
    assert values_of(facts, "role", "programs/vault") == {"contracts"}
    assert values_of(facts, "framework", "programs/vault") == {"anchor"}
    assert not facts_of(facts, "start_command")
    assert_evidence_holds(root, facts)


def test_actix_rocket_warp_ports_and_health(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "actix/Cargo.toml": "[package]\nname = \"actix-svc\"\n[dependencies]\n\"actix-web\" = \"4\"\n",
        "actix/src/main.rs": (
            "#[get(\"/healthz\")]\nasync fn h() -> &'static str { \"ok\" }\n"
            "#[actix_web::main]\nasync fn main() {\n"
            "    App::new().service(web::resource(\"/readyz\").to(r));\n"
            "    HttpServer::new(f).bind((\"0.0.0.0\", 8080))?.run().await\n}\n"
        ),
        "rocket/Cargo.toml": "[package]\nname = \"rocket-svc\"\n[dependencies]\nrocket = \"0.5\"\n",
        "rocket/Rocket.toml": "[default]\naddress = \"0.0.0.0\"\n\n[release]\nport = 8500\n",
        "rocket/src/main.rs": "#[launch]\nfn rocket() -> _ { rocket::build() }\nfn main() {}\n",
        "warp/Cargo.toml": "[package]\nname = \"warp-svc\"\n[dependencies]\nwarp = \"0.3\"\n",
        "warp/src/main.rs": (
            "#[tokio::main]\nasync fn main() {\n    let live = warp::path(\"livez\").map(|| \"ok\");\n"
            "    let metrics = SocketAddr::from(([0, 0, 0, 0], 9100)); // metrics\n"
            "    warp::serve(live).run(([0, 0, 0, 0], 3030)).await;\n}\n"
        ),
        "clap/Cargo.toml": "[package]\nname = \"clap-svc\"\n[dependencies]\npoem = \"3\"\n",
        "clap/src/main.rs": (
            "struct Args {\n    #[arg(long, env = \"PORT\", default_value_t = 7000)]\n    port: u16,\n}\n"
            "fn main() { Route::new().at(\"/ping\", get(ping)); }\n"
        ),
    })
    facts = run_detector(RustDetector(), root)
    assert values_of(facts, "framework", "actix") == {"actix-web"}
    assert values_of(facts, "port", "actix") == {8080}
    assert values_of(facts, "health_endpoint", "actix") == {"/healthz", "/readyz"}
    rocket_ports = {(f.value, f.priority) for f in facts_of(facts, "port", "rocket")}
    assert rocket_ports == {(8000, 20), (8500, 70)}
    assert values_of(facts, "port", "warp") == {3030}
    assert values_of(facts, "health_endpoint", "warp") == {"/livez"}
    assert values_of(facts, "port", "clap") == {7000}
    assert values_of(facts, "health_endpoint", "clap") == {"/ping"}
    assert_evidence_holds(root, facts)


def test_malformed_and_odd_manifests(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "bad/Cargo.toml": "[package\nname = \"x\"\n",
        "bad/src/main.rs": "fn main() {}\n",
        "bin/Cargo.toml": b"\x00\x00",
        "odd/Cargo.toml": "[package]\nname = 5\nrust-version = 1.7\n[dependencies]\naxum = 3\n[[bin]]\npath = \"x\"\n",
        "tc/Cargo.toml": "[package]\nname = \"tc\"\n",
        "tc/rust-toolchain.toml": "[toolchain\nchannel=",
        "tc/Anchor.toml": "",
    })
    facts = run_detector(RustDetector(), root)
    assert not facts_of(facts, "language", "bad") and not facts_of(facts, "language", "bin")
    assert values_of(facts, "language", "odd") == {"rust"}
    assert not facts_of(facts, "name", "odd") and not facts_of(facts, "runtime_version", "odd")
    assert values_of(facts, "role", "odd") == {"library"}
    assert values_of(facts, "name", "tc") == {"tc"}
    assert not facts_of(facts, "runtime_version", "tc") and not facts_of(facts, "framework", "tc")
    assert_evidence_holds(root, facts)


def test_toml_line_sections() -> None:
    text = "[package]\nname = \"a\"\n[[bin]]\nname = \"x\"\n[[bin]]\n\"name\" = \"y\"\n[ dependencies . axum ]\n"
    assert toml_line(text, "package", "name") == (2, 'name = "a"')
    assert toml_line(text, "bin", "name", 1) == (6, '"name" = "y"')
    assert toml_line(text, "dependencies.axum") == (7, "[ dependencies . axum ]")
    assert toml_line(text, "workspace") is None


def test_tonic_sqlx_folder_and_toml_rust_toolchain(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "Cargo.toml": (
            "[package]\nname = \"grpc\"\n\n[dependencies]\ntonic = \"0.11\"\nsqlx = \"0.7\"\nrocket = \"0.5\"\n"
        ),
        "rust-toolchain": "[toolchain]\nchannel = \"stable\"\n",
        "migrations/20240101_init.sql": "CREATE TABLE t ();\n",
        "src/main.rs": (
            "fn main() {\n    let addr = \"[::1]:50051\".parse().unwrap();\n"
            "    Server::builder().add_service(svc).serve(addr);\n}\n"
        ),
    })
    facts = run_detector(RustDetector(), root)
    assert values_of(facts, "runtime_version") == {"rust stable"}
    assert values_of(facts, "framework") == {"tonic", "rocket"}
    assert values_of(facts, "role") == {"http-server"}
    assert {(f.value, f.priority) for f in facts_of(facts, "port")} == {(50051, 80), (8000, 20)}
    assert values_of(facts, "migration_command") == {"sqlx migrate run"}
    assert facts_of(facts, "migration_tool")[0].evidence.quote == 'sqlx = "0.7"'
    assert_evidence_holds(root, facts)
