"""Which dependency means which backing service, per ecosystem.

Kept as plain data so adding a client library is a one-line change. Packages that do not
name their service by themselves (ORMs, AWS SDKs, Celery) are listed separately: the detector
has to look at config or code before it can say which service they talk to.
"""

from __future__ import annotations

# npm package -> service (declared in dependencies / optionalDependencies).
JS: dict[str, str] = {
    # postgres
    "pg": "postgres", "postgres": "postgres", "@neondatabase/serverless": "postgres",
    "@vercel/postgres": "postgres", "pg-promise": "postgres", "slonik": "postgres",
    "pg-boss": "postgres", "graphile-worker": "postgres", "@mikro-orm/postgresql": "postgres",
    # mysql
    "mysql2": "mysql", "mysql": "mysql", "mariadb": "mysql", "@planetscale/database": "mysql",
    "@mikro-orm/mysql": "mysql", "@mikro-orm/mariadb": "mysql",
    # sqlite
    "better-sqlite3": "sqlite", "sqlite3": "sqlite", "sqlite": "sqlite", "@libsql/client": "sqlite",
    "@mikro-orm/sqlite": "sqlite", "@mikro-orm/better-sqlite": "sqlite",
    # redis
    "ioredis": "redis", "redis": "redis", "@upstash/redis": "redis", "@vercel/kv": "redis",
    "bullmq": "redis", "bull": "redis", "bee-queue": "redis", "@nestjs/bull": "redis",
    "@nestjs/bullmq": "redis", "connect-redis": "redis", "@keyv/redis": "redis",
    "redis-om": "redis", "@socket.io/redis-adapter": "redis", "cache-manager-redis-store": "redis",
    "cache-manager-ioredis-yet": "redis",
    # mongodb
    "mongodb": "mongodb", "mongoose": "mongodb", "@nestjs/mongoose": "mongodb",
    "@mikro-orm/mongodb": "mongodb",
    # rabbitmq
    "amqplib": "rabbitmq", "amqp-connection-manager": "rabbitmq", "rascal": "rabbitmq",
    "@golevelup/nestjs-rabbitmq": "rabbitmq",
    # kafka
    "kafkajs": "kafka", "@confluentinc/kafka-javascript": "kafka", "node-rdkafka": "kafka",
    # nats
    "nats": "nats", "@nats-io/transport-node": "nats", "@nats-io/nats-core": "nats",
    # s3
    "@aws-sdk/client-s3": "s3", "@aws-sdk/lib-storage": "s3", "@aws-sdk/s3-request-presigner": "s3",
    "minio": "s3",
    # ipfs
    "ipfs-http-client": "ipfs", "kubo-rpc-client": "ipfs", "helia": "ipfs", "@helia/unixfs": "ipfs",
    "ipfs-core": "ipfs", "@pinata/sdk": "ipfs", "pinata": "ipfs", "pinata-web3": "ipfs",
    "nft.storage": "ipfs", "web3.storage": "ipfs", "@web3-storage/w3up-client": "ipfs",
    "@storacha/client": "ipfs", "@lighthouse-web3/sdk": "ipfs",
}

# npm frameworks that bring their own database: the app never imports a client, the framework
# process needs the service to run at all -> (service, note for the evidence).
JS_RUNS_ON: dict[str, tuple[str, str]] = {
    "envio": ("postgres", "envio runs on Postgres (and Hasura)"),
}

# PyPI project (normalised: lower case, "-" separators) -> service.
PY: dict[str, str] = {
    "psycopg": "postgres", "psycopg-binary": "postgres", "psycopg-pool": "postgres",
    "psycopg2": "postgres", "psycopg2-binary": "postgres", "asyncpg": "postgres", "pg8000": "postgres",
    "aiopg": "postgres",
    "mysqlclient": "mysql", "pymysql": "mysql", "aiomysql": "mysql", "asyncmy": "mysql",
    "mysql-connector-python": "mysql",
    "aiosqlite": "sqlite",
    "redis": "redis", "aioredis": "redis", "hiredis": "redis", "arq": "redis", "rq": "redis",
    "django-redis": "redis", "redis-om": "redis",
    "pymongo": "mongodb", "motor": "mongodb", "beanie": "mongodb", "mongoengine": "mongodb",
    "odmantic": "mongodb",
    "pika": "rabbitmq", "aio-pika": "rabbitmq", "aiormq": "rabbitmq",
    "aiokafka": "kafka", "confluent-kafka": "kafka", "kafka-python": "kafka", "kafka-python-ng": "kafka",
    "nats-py": "nats",
    "minio": "s3", "s3fs": "s3",
    "ipfshttpclient": "ipfs",
}

# Python import name when it differs from the project name (for "does this file use it").
PY_MODULE: dict[str, str] = {
    "psycopg-binary": "psycopg", "psycopg-pool": "psycopg_pool", "psycopg2-binary": "psycopg2",
    "mysqlclient": "MySQLdb", "mysql-connector-python": "mysql", "aio-pika": "aio_pika",
    "confluent-kafka": "confluent_kafka", "kafka-python": "kafka", "kafka-python-ng": "kafka",
    "nats-py": "nats", "django-redis": "django_redis", "redis-om": "redis_om",
}

# Go module path prefix -> service (a "/vN" or sub-package suffix still matches).
GO: tuple[tuple[str, str], ...] = (
    ("github.com/lib/pq", "postgres"), ("github.com/jackc/pgx", "postgres"),
    ("gorm.io/driver/postgres", "postgres"), ("github.com/go-pg/pg", "postgres"),
    ("github.com/uptrace/bun/driver/pgdriver", "postgres"),
    ("github.com/go-sql-driver/mysql", "mysql"), ("gorm.io/driver/mysql", "mysql"),
    ("github.com/mattn/go-sqlite3", "sqlite"), ("modernc.org/sqlite", "sqlite"),
    ("gorm.io/driver/sqlite", "sqlite"), ("github.com/glebarez/sqlite", "sqlite"),
    ("github.com/ncruces/go-sqlite3", "sqlite"),
    ("github.com/redis/go-redis", "redis"), ("github.com/go-redis/redis", "redis"),
    ("github.com/gomodule/redigo", "redis"), ("github.com/redis/rueidis", "redis"),
    ("go.mongodb.org/mongo-driver", "mongodb"),
    ("github.com/rabbitmq/amqp091-go", "rabbitmq"), ("github.com/streadway/amqp", "rabbitmq"),
    ("github.com/segmentio/kafka-go", "kafka"), ("github.com/ibm/sarama", "kafka"),
    ("github.com/shopify/sarama", "kafka"), ("github.com/confluentinc/confluent-kafka-go", "kafka"),
    ("github.com/twmb/franz-go", "kafka"),
    ("github.com/nats-io/nats.go", "nats"),
    ("github.com/aws/aws-sdk-go-v2/service/s3", "s3"), ("github.com/minio/minio-go", "s3"),
    ("github.com/ipfs/go-ipfs-api", "ipfs"), ("github.com/ipfs/kubo", "ipfs"),
)

# Rust crate (normalised "-") -> service.
RUST: dict[str, str] = {
    "tokio-postgres": "postgres", "postgres": "postgres", "deadpool-postgres": "postgres",
    "bb8-postgres": "postgres",
    "mysql": "mysql", "mysql-async": "mysql",
    "rusqlite": "sqlite",
    "redis": "redis", "deadpool-redis": "redis", "bb8-redis": "redis", "fred": "redis",
    "mongodb": "mongodb",
    "lapin": "rabbitmq", "amiquip": "rabbitmq",
    "rdkafka": "kafka",
    "async-nats": "nats", "nats": "nats",
    "aws-sdk-s3": "s3", "rusoto-s3": "s3",
    "ipfs-api": "ipfs", "ipfs-api-backend-hyper": "ipfs",
}
# Crates whose database is chosen by a cargo feature ("postgres", "sqlx-mysql", ...).
RUST_BY_FEATURE = frozenset({"sqlx", "diesel", "sea-orm", "diesel-async"})

# Packages whose service must be read from config or code, not from the name.
JS_SQL_ORMS = frozenset({"typeorm", "knex", "sequelize", "@mikro-orm/core", "kysely"})
PY_SQL_ORMS = frozenset({
    "sqlalchemy", "sqlmodel", "flask-sqlalchemy", "databases", "tortoise-orm", "peewee", "ormar",
    "piccolo", "django",
})
PY_AWS = frozenset({"boto3", "aioboto3", "aiobotocore", "botocore"})
GO_AWS_V1 = "github.com/aws/aws-sdk-go"
SQL_SERVICES = frozenset({"postgres", "mysql", "sqlite"})


def sql_service(word: str) -> str | None:
    """Map a dialect/driver/feature word ("postgresql", "mysql2", "sqlx-sqlite") to a service."""
    w = word.lower()
    if "postgres" in w or w in {"pg", "cockroachdb", "postgis", "pgsql"}:
        return "postgres"
    if "mysql" in w or "mariadb" in w or w in {"singlestore", "asyncmy"}:
        return "mysql"
    if "sqlite" in w or w in {"libsql", "turso", "d1", "d1-http", "expo", "durable-sqlite"}:
        return "sqlite"
    if w in {"mongodb", "mongo"}:
        return "mongodb"
    return None


def py_extra_service(package: str, extra: str) -> str | None:
    """The service an extra selects: `celery[redis]`, `dramatiq[rabbitmq]`, `sqlalchemy[asyncpg]`."""
    e = extra.lower().replace("_", "-")
    if package in {"celery", "dramatiq", "kombu", "huey"}:
        if e in {"redis", "rabbitmq", "librabbitmq", "amqp"}:
            return "redis" if e == "redis" else "rabbitmq"
        return None
    if package in {"sqlalchemy", "databases", "sqlmodel", "tortoise-orm"}:
        if e in {"asyncio", "mypy"}:
            return None
        if e in {"asyncpg", "psycopg", "psycopg2", "psycopg2-binary"}:
            return "postgres"
        return sql_service(e)
    return None


# Words that tie a config name (REDIS_URL, mongoUri, DATABASE_URL) to a service...
GUARD_WORDS: dict[str, frozenset[str]] = {
    "postgres": frozenset({"postgres", "postgresql", "pg", "database", "db"}),
    "mysql": frozenset({"mysql", "mariadb", "database", "db"}),
    "sqlite": frozenset({"sqlite", "database", "db"}),
    "redis": frozenset({"redis", "valkey", "kv", "upstash"}),
    "mongodb": frozenset({"mongo", "mongodb"}),
    "rabbitmq": frozenset({"rabbitmq", "rabbit", "amqp"}),
    "kafka": frozenset({"kafka"}),
    "nats": frozenset({"nats"}),
    "s3": frozenset({"s3", "bucket", "minio"}),
    "ipfs": frozenset({"ipfs", "pinata", "helia", "storacha"}),
}
# ...and words that make the name a setting rather than, say, a client variable.
CONFIG_WORDS = frozenset({
    "url", "uri", "urls", "host", "hosts", "dsn", "addr", "address", "endpoint", "enabled", "enable",
    "use", "connection", "conn", "server", "servers", "broker", "brokers", "bucket", "gateway", "jwt",
    "token", "key", "path", "file",
})
# A setting for a secondary connection (read replica, shadow or test database, the direct URL
# used by migrations) being optional says nothing about the main one.
SECONDARY_WORDS = frozenset({
    "replica", "replicas", "shadow", "test", "direct", "unpooled", "readonly", "fallback", "backup",
})
# Words in a function or constructor called by the guarded code that show it sets up the
# service's client (`new Redis(`, `init_redis(`, `new PrismaClient(`, `mongoose.connect(`)...
CLIENT_WORDS: dict[str, tuple[str, ...]] = {
    "postgres": ("postgres", "pg", "pool", "prisma", "drizzle", "knex", "sequelize", "engine", "db", "sql",
                 "datasource"),
    "mysql": ("mysql", "pool", "prisma", "drizzle", "knex", "sequelize", "engine", "db", "sql", "datasource"),
    "sqlite": ("sqlite", "database", "db", "prisma", "drizzle", "engine"),
    "redis": ("redis", "valkey", "kv", "queue", "bull", "cache"),
    "mongodb": ("mongo",),
    "rabbitmq": ("amqp", "rabbit", "channel"),
    "kafka": ("kafka", "producer", "consumer"),
    "nats": ("nats",),
    "s3": ("s3", "bucket", "minio", "storage"),
    "ipfs": ("ipfs", "pinata", "helia", "storacha", "upload", "storage"),
}
# ...or a generic connection call, whatever the service.
CONNECT_CALLS = frozenset({
    "client", "createclient", "connect", "createpool", "createconnection", "create_engine",
    "create_async_engine", "from_url", "fromenv", "fromurl", "newclient", "dial", "open", "init",
})
