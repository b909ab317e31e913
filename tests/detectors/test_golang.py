"""GoDetector over small inline Go module trees."""

from __future__ import annotations

from launchbay.detectors.golang import GoDetector, module_name, parse_go_mod
from tests.conftest import assert_evidence_holds, facts_of, run_detector, values_of

GIN_GOMOD = """module github.com/acme/api-server

go 1.22

toolchain go1.22.3

require (
\tgithub.com/gin-gonic/gin v1.9.1
\tgithub.com/go-chi/chi/v5 v5.0.12 // indirect
)
"""

GIN_MAIN = """package main

import (
\t"os"

\t"github.com/gin-gonic/gin"
)

func main() {
\tr := gin.Default()
\tr.GET("/healthz", func(c *gin.Context) { c.String(200, "ok") })
\tr.GET("/users", listUsers)
\tport := os.Getenv("PORT")
\tif port == "" {
\t\tport = "8081"
\t}
\tr.Run(":" + port)
}
"""


def test_gin_server(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": GIN_GOMOD,
        "main.go": GIN_MAIN,
        "handlers.go": "package main\n\nfunc listUsers() {}\n",
        "handlers_test.go": "package main\n\nimport \"testing\"\n",
    })
    facts = run_detector(GoDetector(), root)
    assert values_of(facts, "language", ".") == {"go"}
    assert values_of(facts, "package_manager", ".") == {"go"}
    assert values_of(facts, "name", ".") == {"api-server"}
    # the go directive wins; toolchain is used only without one
    assert values_of(facts, "runtime_version", ".") == {"go 1.22"}
    assert values_of(facts, "framework", ".") == {"gin"}  # chi is only indirect
    assert values_of(facts, "role", ".") == {"http-server"}
    ports = {(f.value, f.priority) for f in facts_of(facts, "port", ".")}
    assert ports == {(8081, 80), (8080, 20)}
    fallback = next(f for f in facts_of(facts, "port") if f.priority == 80)
    assert fallback.evidence.quote == 'port = "8081"' and fallback.evidence.line == 15
    assert next(f for f in facts_of(facts, "port") if f.priority == 20).evidence.note == "framework default"
    assert values_of(facts, "health_endpoint", ".") == {"/healthz"}
    assert values_of(facts, "build_command", ".") == {"go build -o api-server ."}
    assert values_of(facts, "start_command", ".") == {"./api-server"}
    assert values_of(facts, "test_command", ".") == {"go test ./..."}
    assert facts_of(facts, "start_command")[0].evidence.quote == "func main() {"
    assert not facts_of(facts, "entrypoint")
    assert_evidence_holds(root, facts)


def test_several_mains_geth_worker_and_migrate(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": (
            "module github.com/acme/indexer/v2\n\ngo 1.21\n\n"
            "require github.com/ethereum/go-ethereum v1.13.14\n"
            "require github.com/golang-migrate/migrate/v4 v4.17.0\n"
        ),
        "cmd/backfill/main.go": "package main\n\nfunc main() {}\n",
        "cmd/indexer/main.go": (
            "package main\n\nimport (\n\t\"github.com/golang-migrate/migrate/v4\"\n)\n\n"
            "func main() {\n\tm, _ := migrate.New(\"file://db/migrations\", dsn)\n\tm.Up()\n}\n"
        ),
        "cmd/indexer/run.go": "package main\n\nfunc run() {}\n",
        "internal/chain/client.go": "package chain\n",
        "db/migrations/000001_init.up.sql": "CREATE TABLE blocks (n bigint);\n",
        "db/migrations/000001_init.down.sql": "DROP TABLE blocks;\n",
        "examples/demo/main.go": "package main\n\nfunc main() {}\n",
        "tools/gen.go": "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
    })
    facts = run_detector(GoDetector(), root)
    assert values_of(facts, "name") == {"indexer"}
    assert values_of(facts, "runtime_version") == {"go 1.21"}
    assert values_of(facts, "role") == {"worker"}
    assert values_of(facts, "start_command") == {"./indexer"}
    assert values_of(facts, "build_command") == {"go build -o indexer ./cmd/indexer"}
    entry = {(f.value, f.detail) for f in facts_of(facts, "entrypoint")}
    assert entry == {("./cmd/backfill", "backfill"), ("./cmd/indexer", "indexer")}
    assert values_of(facts, "migration_tool") == {"golang-migrate"}
    assert values_of(facts, "migration_command") == {'migrate -path db/migrations -database "$DATABASE_URL" up'}
    assert facts_of(facts, "migration_tool")[0].evidence.file == "go.mod"
    assert not facts_of(facts, "framework") and not facts_of(facts, "test_command")
    assert_evidence_holds(root, facts)


def test_library_and_nested_modules(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": "module example.com/kit\n\ngo 1.20\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n",
        "router.go": "package kit\n\nfunc Mount(r chi.Router) { r.Get(\"/ping\", nil) }\n",
        "svc/api/go.mod": "module example.com/svc/api\n\ngo 1.22\n",
        "svc/api/main.go": (
            "package main\n\nimport \"net/http\"\n\nfunc main() {\n"
            "\tmux := http.NewServeMux()\n\tmux.HandleFunc(\"GET /ready\", ready)\n"
            "\trdb := redis.NewClient(&redis.Options{Addr: \"localhost:6379\"})\n"
            "\tmetrics := &http.Server{Addr: \":9090\"}\n"
            "\tsrv := &http.Server{\n\t\tAddr:    \":9000\",\n\t\tHandler: mux,\n\t}\n"
            "\tsrv.ListenAndServe()\n}\n"
        ),
    })
    facts = run_detector(GoDetector(), root)
    assert values_of(facts, "framework", ".") == {"chi"}
    assert values_of(facts, "role", ".") == {"library"}
    assert not facts_of(facts, "start_command", ".")
    assert values_of(facts, "health_endpoint", ".") == {"/ping"}
    assert values_of(facts, "framework", "svc/api") == {"net/http"}
    assert values_of(facts, "role", "svc/api") == {"http-server"}
    assert values_of(facts, "port", "svc/api") == {9000}  # not redis, not the metrics listener
    assert facts_of(facts, "port", "svc/api")[0].evidence.quote == 'Addr:    ":9000",'
    assert values_of(facts, "health_endpoint", "svc/api") == {"/ready"}
    assert values_of(facts, "start_command", "svc/api") == {"./api"}
    assert_evidence_holds(root, facts)


def test_listen_calls_env_helpers_bot_and_cron(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "echo/go.mod": "module echo-svc\n\ngo 1.22\nrequire github.com/labstack/echo/v4 v4.11.4\n",
        "echo/main.go": (
            "package main\n\nfunc main() {\n\te.GET(\"/livez\", h)\n\te.Logger.Fatal(e.Start(\":1323\"))\n}\n"
        ),
        "fiber/go.mod": "module fiber-svc\n\ngo 1.22\nrequire github.com/gofiber/fiber/v2 v2.52.0\n",
        "fiber/main.go": "package main\n\nfunc main() {\n\tapp.Listen(getEnv(\"PORT\", \"3000\"))\n}\n",
        "grpc/go.mod": "module grpc-svc\n\ngo 1.22\n",
        "grpc/main.go": (
            "package main\n\nfunc main() {\n\tlis, _ := net.Listen(\"tcp\", \":50051\")\n"
            "\ts := grpc.NewServer()\n\tport := cmp.Or(os.Getenv(\"HTTP_PORT\"), \"8088\")\n}\n"
        ),
        "bot/go.mod": (
            "module bot\n\ngo 1.22\nrequire (\n\tgithub.com/bwmarrin/discordgo v0.27.1\n"
            "\tgithub.com/robfig/cron/v3 v3.0.1\n)\n"
        ),
        "bot/main.go": (
            "package main\n\nfunc main() { port, ok := os.LookupEnv(\"DB_PORT\"); if !ok { port = \"5432\" } }\n"
        ),
    })
    facts = run_detector(GoDetector(), root)
    assert values_of(facts, "port", "echo") == {1323}
    assert values_of(facts, "health_endpoint", "echo") == {"/livez"}
    assert values_of(facts, "framework", "echo") == {"echo"}
    assert values_of(facts, "port", "fiber") == {3000}
    assert values_of(facts, "framework", "grpc") == {"grpc"}
    assert values_of(facts, "port", "grpc") == {50051, 8088}
    assert values_of(facts, "role", "bot") == {"bot", "cron"}
    assert values_of(facts, "framework", "bot") == {"discordgo"}  # a scheduler is a role, not a framework
    assert not facts_of(facts, "port", "bot")  # DB_PORT is a backing service's port
    assert_evidence_holds(root, facts)


def test_migration_folder_only_and_toolchain_only(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": "// service\nmodule svc\n\ntoolchain go1.21.5\n",
        "main.go": "package main\n\nfunc main() {}\n",
        "migrations/20240101120000_users.up.sql": "\n-- users\nCREATE TABLE users ();\n",
    })
    facts = run_detector(GoDetector(), root)
    rv = facts_of(facts, "runtime_version")
    assert [(f.value, f.priority) for f in rv] == [("go 1.21.5", 65)]
    assert values_of(facts, "migration_command") == {'migrate -path migrations -database "$DATABASE_URL" up'}
    assert facts_of(facts, "migration_tool")[0].evidence.line == 2
    assert not facts_of(facts, "role")  # a plain program: the assembler decides it is a worker
    assert_evidence_holds(root, facts)


def test_malformed_and_empty_go_mod(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "a/go.mod": "",
        "a/main.go": "package main\n",
        "b/go.mod": "require (\n\tgithub.com/gin-gonic/gin\n  garbage ((( \"\n",
        "b/x.go": "package b\nfunc (",
        "c/go.mod": b"\x00\x01binary",
        "d/go.mod": "module\ngo notaversion\nmodule \"quoted.example/d/v3\"\n",
    })
    facts = run_detector(GoDetector(), root)
    assert not facts_of(facts, "language", "a") and not facts_of(facts, "language", "c")
    assert not facts_of(facts, "language", "b")  # nothing to anchor evidence at
    assert values_of(facts, "name", "d") == {"d"}
    assert not facts_of(facts, "runtime_version", "d")
    assert values_of(facts, "role", "d") == {"library"}
    assert_evidence_holds(root, facts)


def test_parse_go_mod_lines() -> None:
    mod = parse_go_mod(
        "module  example.com/x // the module\ngo 1.22.0\nrequire(\n  a.com/b v1 // indirect\n"
        "  c.com/d v2\n)\nrequire e.com/f v3\nreplace c.com/d => ../d\n"
    )
    assert mod.module is not None and mod.module.value == "example.com/x" and mod.module.line == 1
    assert mod.go is not None and mod.go.value == "1.22.0"
    assert [(r.value, r.line) for r in mod.requires] == [("c.com/d", 5), ("e.com/f", 7)]
    assert module_name("github.com/a/b/v2") == "b"
    assert module_name("svc") == "svc"


def test_lookupenv_fallback_and_ignored_main(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": "module example.com/gw\n\ngo 1.22\n",
        "main.go": (
            "package main\n\nfunc main() {\n\tport, ok := os.LookupEnv(\"PORT\")\n\tif !ok {\n"
            "\t\tport = \":7070\"\n\t}\n\thttp.Handle(\"/api/health\", h)\n\thttp.ListenAndServe(port, nil)\n}\n"
            "\nfunc other() {\n\tport = \"1111\"\n}\n"
        ),
        "testdata/main.go": "package main\n\nfunc main() { r.Run(\":9999\") }\n",
    })
    facts = run_detector(GoDetector(), root)
    assert values_of(facts, "port") == {7070}  # the assignment in another func is not the fallback
    assert values_of(facts, "health_endpoint") == {"/api/health"}
    assert values_of(facts, "framework") == {"net/http"}
    assert values_of(facts, "start_command") == {"./gw"}
    assert_evidence_holds(root, facts)


def test_http_router_with_cron_keeps_one_framework_and_comments_are_skipped(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": (
            "module payments\n\ngo 1.18\n\nrequire (\n\tgithub.com/gorilla/mux v1.8.0\n"
            "\tgithub.com/robfig/cron/v3 v3.0.0\n)\n"
        ),
        "main.go": (
            "package main\n\nfunc main() {\n\tr := mux.NewRouter()\n"
            "\t// r.HandleFunc(\"/ping\", ping) was removed\n"
            "\tr.HandleFunc(\"/healthz\", health)\n\tc := cron.New()\n\tc.Start()\n"
            "\t// log.Fatal(http.ListenAndServe(\":7000\", r))\n"
            "\tlog.Fatal(http.ListenAndServe(\":9000\", r)) // http://localhost:9000\n}\n"
        ),
    })
    facts = run_detector(GoDetector(), root)
    assert values_of(facts, "framework") == {"gorilla/mux"}  # not robfig/cron, not net/http underneath
    assert values_of(facts, "role") == {"http-server", "cron"}
    assert values_of(facts, "port") == {9000}
    assert values_of(facts, "health_endpoint") == {"/healthz"}
    assert [f.value for f in facts_of(facts, "runtime_version")] == ["go 1.18"]
    assert_evidence_holds(root, facts)
