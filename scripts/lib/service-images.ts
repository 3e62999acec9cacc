/**
 * The Services layer's images for the local cluster (PostgreSQL, MariaDB for `mysql`, Valkey for
 * `redis`, RabbitMQ), from Debian trixie's packages. Each keeps the reference, user, data folder and
 * environment contract of its upstream image as far as components/app-engine/backing-service.ts
 * relies on them, with a small entrypoint of ours in place of upstream's docker-entrypoint.sh: it
 * implements only the variables the platform's manifests set, under upstream's names, so the same
 * manifests run on the upstream images elsewhere.
 */
import { MYSQL_IMAGE, POSTGRES_IMAGE, RABBITMQ_IMAGE, REDIS_IMAGE } from "../../components/versions";
import type { LocalImage, RootEntry } from "./images";

/** PATH of upstream's images (Docker's default). */
const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** uid/gid of the service user in every upstream image of the four (Debian's system range). */
export const SERVICE_UID = 999;

/** /etc/passwd and /etc/group with root, the service user (uid/gid 999) and nobody. */
function accounts(user: string, home: string): RootEntry[] {
    const passwd = `root:x:0:0:root:/root:/bin/sh\n${user}:x:${SERVICE_UID}:${SERVICE_UID}:${user}:${home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n`;
    const group = `root:x:0:\n${user}:x:${SERVICE_UID}:\nnogroup:x:65534:\n`;
    return [
        { kind: "file", path: "/etc/passwd", content: passwd, mode: 0o644 },
        { kind: "file", path: "/etc/group", content: group, mode: 0o644 },
    ];
}

/** What Debian's base-files gives every root and these servers expect: /run, /var/run, /tmp. */
const BASE_DIRS: RootEntry[] = [
    { kind: "dir", path: "/run", mode: 0o755 },
    { kind: "symlink", path: "/var/run", target: "/run" },
    { kind: "dir", path: "/tmp", mode: 0o1777 },
    { kind: "dir", path: "/root", mode: 0o700 },
];

const script = (lines: string[]) => [...lines, ""].join("\n");

/**
 * PostgreSQL's entrypoint: on an empty `$PGDATA`, initdb with `POSTGRES_USER` (default `postgres`)
 * as superuser and `POSTGRES_PASSWORD`, scram-sha-256 for TCP, listening on every address, and
 * `POSTGRES_DB` (default the user) created; then the server. A first argument starting with `-` is
 * an option of `postgres`, as upstream's.
 */
export const POSTGRES_ENTRYPOINT = script([
    "#!/bin/sh",
    "set -eu",
    "case \"${1:-}\" in -*) set -- postgres \"$@\" ;; esac",
    "if [ \"${1:-}\" = postgres ] && [ ! -s \"$PGDATA/PG_VERSION\" ]; then",
    "    : \"${POSTGRES_PASSWORD:?must be set to initialise the database}\"",
    "    user=\"${POSTGRES_USER:-postgres}\"",
    "    db=\"${POSTGRES_DB:-$user}\"",
    "    mkdir -p \"$PGDATA\" && chmod 0700 \"$PGDATA\"",
    "    pwfile=\"$(mktemp)\"",
    "    printf '%s\\n' \"$POSTGRES_PASSWORD\" > \"$pwfile\"",
    "    initdb -D \"$PGDATA\" --username=\"$user\" --pwfile=\"$pwfile\" --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C",
    "    rm -f \"$pwfile\"",
    "    printf 'host all all all scram-sha-256\\n' >> \"$PGDATA/pg_hba.conf\"",
    "    printf \"listen_addresses = '*'\\n\" >> \"$PGDATA/postgresql.conf\"",
    "    if [ \"$db\" != postgres ]; then",
    "        printf 'CREATE DATABASE \"%s\";\\n' \"$(printf '%s' \"$db\" | sed 's/\"/\"\"/g')\" | postgres --single -D \"$PGDATA\" postgres > /dev/null",
    "    fi",
    "fi",
    "exec \"$@\"",
]);

/**
 * MariaDB's entrypoint: on an empty datadir, mariadb-install-db, then a socket-only server that
 * sets the root password (`MARIADB_ROOT_PASSWORD`/`MYSQL_ROOT_PASSWORD`, root also from any host as
 * upstream's default), creates `MYSQL_DATABASE` and `MYSQL_USER` with `MYSQL_PASSWORD` (or the
 * `MARIADB_` names) granted all on it; then the server. A first argument starting with `-` is an
 * option of `mariadbd`.
 */
export const MARIADB_ENTRYPOINT = script([
    "#!/bin/sh",
    "set -eu",
    "case \"${1:-}\" in -*) set -- mariadbd \"$@\" ;; esac",
    "datadir=/var/lib/mysql",
    "if [ \"${1:-}\" = mariadbd ] && [ ! -d \"$datadir/mysql\" ]; then",
    "    root=\"${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD or MYSQL_ROOT_PASSWORD must be set to initialise the database}}\"",
    "    user=\"${MARIADB_USER:-${MYSQL_USER:-}}\"",
    "    pass=\"${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}\"",
    "    db=\"${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}\"",
    "    q() { printf '%s' \"$1\" | sed \"s/\\\\\\\\/\\\\\\\\\\\\\\\\/g; s/'/\\\\\\\\'/g\"; }",
    // --force: no check that the hostname resolves (upstream passes --rpm, which skips it too).
    "    mariadb-install-db --datadir=\"$datadir\" --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve --force",
    "    sock=\"$(mktemp -d)/init.sock\"",
    "    mariadbd --datadir=\"$datadir\" --skip-networking --socket=\"$sock\" &",
    "    pid=$!",
    "    i=0",
    "    until mariadb-admin --socket=\"$sock\" -uroot --silent ping > /dev/null 2>&1; do",
    "        i=$((i + 1)); [ \"$i\" -lt 60 ] || { echo 'mariadbd did not start for initialisation' >&2; exit 1; }",
    "        sleep 1",
    "    done",
    "    {",
    // mariadb-install-db also makes password-less root accounts for 127.0.0.1, ::1 and the hostname.
    "        echo \"DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1';\"",
    "        echo \"EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@''', @@hostname, '''');\"",
    "        echo \"ALTER USER 'root'@'localhost' IDENTIFIED BY '$(q \"$root\")';\"",
    "        echo \"CREATE USER 'root'@'%' IDENTIFIED BY '$(q \"$root\")';\"",
    "        echo \"GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;\"",
    "        [ -z \"$db\" ] || echo \"CREATE DATABASE IF NOT EXISTS \\`$db\\`;\"",
    "        if [ -n \"$user\" ]; then",
    "            echo \"CREATE USER '$(q \"$user\")'@'%' IDENTIFIED BY '$(q \"$pass\")';\"",
    "            [ -z \"$db\" ] || echo \"GRANT ALL ON \\`$db\\`.* TO '$(q \"$user\")'@'%';\"",
    "        fi",
    "    } | mariadb --socket=\"$sock\" -uroot",
    "    kill \"$pid\"",
    "    wait \"$pid\" || true",
    "fi",
    "exec \"$@\"",
]);

/** Options upstream's image adds (its /etc/mysql/conf.d/docker.cnf): no DNS lookups of clients. */
const MARIADB_DOCKER_CNF = "[mariadb]\nhost-cache-size=0\nskip-name-resolve\n";

/** Valkey's entrypoint: options or a config file are arguments of valkey-server, as upstream's. */
export const VALKEY_ENTRYPOINT = script([
    "#!/bin/sh",
    "set -eu",
    "case \"${1:-}\" in -*|*.conf) set -- valkey-server \"$@\" ;; esac",
    "exec \"$@\"",
]);

/**
 * RabbitMQ's entrypoint: writes upstream's defaults into /etc/rabbitmq/conf.d (an emptyDir under a
 * read-only root) and, when `RABBITMQ_DEFAULT_USER`/`RABBITMQ_DEFAULT_PASS` are set, the default
 * user; then the server. Logs go to the console.
 */
export const RABBITMQ_ENTRYPOINT = script([
    "#!/bin/sh",
    "set -eu",
    "case \"${1:-}\" in -*) set -- rabbitmq-server \"$@\" ;; esac",
    "conf=/etc/rabbitmq/conf.d",
    "if [ \"${1:-}\" = rabbitmq-server ] && [ -w \"$conf\" ]; then",
    "    printf '%s\\n' 'loopback_users.guest = false' 'listeners.tcp.default = 5672' 'management.tcp.port = 15672' 'log.console = true' 'log.file = false' > \"$conf/10-defaults.conf\"",
    "    if [ -n \"${RABBITMQ_DEFAULT_USER:-}\" ]; then",
    "        ( umask 077; printf 'default_user = %s\\ndefault_pass = %s\\n' \"$RABBITMQ_DEFAULT_USER\" \"${RABBITMQ_DEFAULT_PASS:-}\" > \"$conf/20-default-user.conf\" )",
    "    fi",
    "fi",
    "exec \"$@\"",
]);

/** The four images, appended to the local cluster's list (scripts/lib/images.ts). */
export function serviceImages(): LocalImage[] {
    return [
        {
            ref: REDIS_IMAGE,
            description: "Valkey (BSD) for the `redis` kind: Debian's valkey-server and valkey-cli, user valkey (999), /data, entrypoint of ours",
            debPackages: ["valkey-server", "busybox-static"],
            tagIsVersionOf: "valkey-server",
            busyboxApplets: true,
            entries: [
                ...accounts("valkey", "/data"), ...BASE_DIRS,
                { kind: "dir", path: "/data", mode: 0o755, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "file", path: "/usr/local/bin/docker-entrypoint.sh", content: VALKEY_ENTRYPOINT, mode: 0o755 },
            ],
            config: {
                Entrypoint: ["docker-entrypoint.sh"], Cmd: ["valkey-server"], Env: [`PATH=${BASE_PATH}`],
                User: `${SERVICE_UID}:${SERVICE_UID}`, WorkingDir: "/data", ExposedPorts: { "6379/tcp": {} },
            },
        },
        {
            ref: POSTGRES_IMAGE,
            description: "PostgreSQL 17 from Debian's postgresql-17 (psql, pg_isready included), user postgres (999), PGDATA as upstream's, entrypoint of ours",
            debPackages: ["postgresql-17", "busybox-static"],
            tagIsVersionOf: "postgresql-17",
            busyboxApplets: true,
            entries: [
                ...accounts("postgres", "/var/lib/postgresql"), ...BASE_DIRS,
                { kind: "dir", path: "/var/lib/postgresql/data", mode: 0o1777, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "dir", path: "/var/run/postgresql", mode: 0o3777, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "file", path: "/usr/local/bin/docker-entrypoint.sh", content: POSTGRES_ENTRYPOINT, mode: 0o755 },
            ],
            config: {
                Entrypoint: ["docker-entrypoint.sh"], Cmd: ["postgres"],
                Env: [`PATH=${BASE_PATH}:/usr/lib/postgresql/17/bin`, "PGDATA=/var/lib/postgresql/data", "LANG=C.UTF-8"],
                User: `${SERVICE_UID}:${SERVICE_UID}`, ExposedPorts: { "5432/tcp": {} },
            },
        },
        {
            ref: MYSQL_IMAGE,
            description: "MariaDB (GPL-2, MySQL-compatible) for the `mysql` kind: Debian's server core and clients, user mysql (999), /var/lib/mysql, entrypoint of ours",
            debPackages: ["mariadb-server-core", "mariadb-client", "busybox-static"],
            tagIsVersionOf: "mariadb-server-core",
            busyboxApplets: true,
            entries: [
                ...accounts("mysql", "/var/lib/mysql"), ...BASE_DIRS,
                // What mariadb-common's maintainer script makes with update-alternatives.
                { kind: "symlink", path: "/etc/mysql/my.cnf", target: "mariadb.cnf" },
                { kind: "file", path: "/etc/mysql/conf.d/docker.cnf", content: MARIADB_DOCKER_CNF, mode: 0o644 },
                { kind: "dir", path: "/var/lib/mysql", mode: 0o755, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "dir", path: "/run/mysqld", mode: 0o777, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "file", path: "/usr/local/bin/docker-entrypoint.sh", content: MARIADB_ENTRYPOINT, mode: 0o755 },
            ],
            config: {
                Entrypoint: ["docker-entrypoint.sh"], Cmd: ["mariadbd"], Env: [`PATH=${BASE_PATH}`, "LANG=C.UTF-8"],
                User: `${SERVICE_UID}:${SERVICE_UID}`, ExposedPorts: { "3306/tcp": {} },
            },
        },
        {
            ref: RABBITMQ_IMAGE,
            description: "RabbitMQ from Debian's rabbitmq-server (Erlang/OTP 27) with the management and prometheus plugins on, user rabbitmq (999), entrypoint of ours",
            debPackages: ["rabbitmq-server", "busybox-static"],
            tagIsVersionOf: "rabbitmq-server",
            tagVariant: "management",
            busyboxApplets: true,
            entries: [
                ...accounts("rabbitmq", "/var/lib/rabbitmq"), ...BASE_DIRS,
                { kind: "file", path: "/etc/rabbitmq/enabled_plugins", content: "[rabbitmq_management,rabbitmq_prometheus].\n", mode: 0o644 },
                { kind: "dir", path: "/etc/rabbitmq/conf.d", mode: 0o755, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "dir", path: "/var/lib/rabbitmq", mode: 0o755, uid: SERVICE_UID, gid: SERVICE_UID },
                // The package ships these root-owned (its maintainer script chowns them to rabbitmq).
                { kind: "dir", path: "/var/lib/rabbitmq/mnesia", mode: 0o755, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "dir", path: "/var/log/rabbitmq", mode: 0o755, uid: SERVICE_UID, gid: SERVICE_UID },
                { kind: "file", path: "/usr/local/bin/docker-entrypoint.sh", content: RABBITMQ_ENTRYPOINT, mode: 0o755 },
            ],
            config: {
                Entrypoint: ["docker-entrypoint.sh"], Cmd: ["rabbitmq-server"],
                // Debian's /usr/sbin commands re-run themselves through su; its own scripts come first.
                Env: [`PATH=/usr/lib/rabbitmq/bin:${BASE_PATH}`, "HOME=/var/lib/rabbitmq", "RABBITMQ_DATA_DIR=/var/lib/rabbitmq", "RABBITMQ_LOGS=-", "LANG=C.UTF-8"],
                User: `${SERVICE_UID}:${SERVICE_UID}`, WorkingDir: "/var/lib/rabbitmq",
                ExposedPorts: { "5672/tcp": {}, "15672/tcp": {} },
            },
        },
    ];
}
