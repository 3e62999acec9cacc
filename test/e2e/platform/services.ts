/**
 * The Services layer on the real nodes: for every backing kind an app of the local stack binds, a
 * real client (the one in the service's own image, run by `kubectl exec` in the instance's pod)
 * connects to the binding's host and port through the Service with the binding Secret's
 * credentials, writes and reads back a value, and is refused with a wrong password.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "crypto";
import { k, mustK } from "../../helpers/live-cluster";

/** A binding Secret's keys, decoded. */
interface Binding {
    namespace: string;
    /** The instance's name (StatefulSet, Service), the Secret's name without `-binding`. */
    instance: string;
    type: string;
    host: string;
    port: string;
    username: string;
    password: string;
    database: string;
}

/** Every binding Secret (type `servicebinding.io/*`) in the cluster, decoded. */
function bindings(): Binding[] {
    const secrets = JSON.parse(mustK(["get", "secrets", "-A", "-o", "json"])).items as any[];
    return secrets
        .filter((s) => typeof s.type === "string" && s.type.startsWith("servicebinding.io/"))
        .map((s) => {
            const d = (key: string) => Buffer.from(s.data?.[key] ?? "", "base64").toString("utf8");
            return {
                namespace: s.metadata.namespace, instance: s.metadata.name.replace(/-binding$/, ""), type: d("type"),
                host: d("host"), port: d("port"), username: d("username"), password: d("password"), database: d("database"),
            };
        });
}

/**
 * Runs `script` with `sh` in the instance's pod, the password on stdin (never in an argument of
 * kubectl), `$1`... the binding's host, port, user and database, `$5` a token.
 */
function clientRun(b: Binding, container: string, password: string, token: string, script: string) {
    return k(["exec", "-i", "-n", b.namespace, `${b.instance}-0`, "-c", container, "--", "sh", "-c", `read -r PASS; ${script}`, "sh", b.host, b.port, b.username, b.database, token], `${password}\n`);
}

/** Per kind: the client script that writes the token and reads it back, and what a refusal prints. */
const CLIENTS: Record<string, { container: string; script: string; refused: RegExp }> = {
    postgresql: {
        container: "postgres",
        script: "PGPASSWORD=\"$PASS\" psql -v ON_ERROR_STOP=1 -h \"$1\" -p \"$2\" -U \"$3\" -d \"$4\" -Atc " +
            "\"CREATE TABLE IF NOT EXISTS smoke (v text); INSERT INTO smoke VALUES ('$5'); SELECT v FROM smoke WHERE v = '$5'\"",
        refused: /password authentication failed/,
    },
    mysql: {
        container: "mysql",
        script: "MYSQL_PWD=\"$PASS\" mariadb -h \"$1\" -P \"$2\" -u \"$3\" -D \"$4\" -N -e " +
            "\"CREATE TABLE IF NOT EXISTS smoke (v VARCHAR(64)); INSERT INTO smoke VALUES ('$5'); SELECT v FROM smoke WHERE v = '$5'\"",
        refused: /Access denied/,
    },
    redis: {
        container: "redis",
        script: "export REDISCLI_AUTH=\"$PASS\"; valkey-cli -h \"$1\" -p \"$2\" --user \"$3\" SET smoke \"$5\" && valkey-cli -h \"$1\" -p \"$2\" --user \"$3\" GET smoke",
        refused: /WRONGPASS|NOAUTH/,
    },
    rabbitmq: {
        // The management API (port 15672 of the same Service): declare a queue, publish to it, get the message.
        container: "rabbitmq",
        script: "h=\"$1\"; u=\"$3\"; tok=\"$5\"; " +
            "r() { rabbitmqadmin -H \"$h\" -P 15672 -u \"$u\" -p \"$PASS\" \"$@\"; }; " +
            "r declare queue name=smoke durable=false && r publish exchange=amq.default routing_key=smoke payload=\"$tok\" && " +
            "r get queue=smoke ackmode=ack_requeue_false",
        refused: /Access refused|401|Unauthorized|Not_Authorized/i,
    },
};

export function servicesSmoke(): void {
    describe("services (backing services with their binding credentials)", () => {
        let all: Binding[] = [];
        before(() => {
            all = bindings();
            for (const b of all) {
                mustK(["rollout", "status", "-n", b.namespace, `statefulset/${b.instance}`, "--timeout=300s"]);
            }
        });

        it("has a binding of every backing kind among the local stack's apps", () => {
            assert.deepEqual([...new Set(all.map((b) => b.type))].sort(), Object.keys(CLIENTS).sort());
        });

        it("mysql: lets root in from the network only with its password (mariadb-install-db's password-less accounts are gone)", () => {
            for (const b of all.filter((x) => x.type === "mysql")) {
                const r = clientRun({ ...b, username: "root" }, "mysql", "", "none", CLIENTS.mysql.script);
                assert.notEqual(r.code, 0, `${b.namespace}/${b.instance}: root got in without a password`);
                assert.match(r.stderr, /Access denied/, `${b.namespace}/${b.instance}: ${r.stderr}`);
            }
        });

        for (const [type, client] of Object.entries(CLIENTS)) {
            it(`${type}: writes and reads back a value with the binding's credentials`, () => {
                for (const b of all.filter((x) => x.type === type)) {
                    const token = `smoke${crypto.randomBytes(6).toString("hex")}`;
                    const r = clientRun(b, client.container, b.password, token, client.script);
                    assert.equal(r.code, 0, `${b.namespace}/${b.instance}: ${r.stderr}${r.stdout}`);
                    assert.match(r.stdout, new RegExp(token), `${b.namespace}/${b.instance}: ${r.stdout}`);
                }
            });

            it(`${type}: refuses a wrong password`, () => {
                for (const b of all.filter((x) => x.type === type)) {
                    const token = `smoke${crypto.randomBytes(6).toString("hex")}`;
                    const r = clientRun(b, client.container, `${b.password}x`, token, client.script);
                    assert.doesNotMatch(r.stdout, new RegExp(token), `${b.namespace}/${b.instance}: a wrong password was let in`);
                    assert.match(`${r.stdout}${r.stderr}`, client.refused, `${b.namespace}/${b.instance}: ${r.stderr}${r.stdout}`);
                }
            });
        }
    });
}
