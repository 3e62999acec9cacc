/**
 * Posts a gitops report as a GitLab merge-request note, editing the note an earlier pipeline posted
 * for the same command and environment (found by the report's first-line marker) instead of adding
 * another. Run by .gitlab-ci.yml:
 *
 *   node --import tsx scripts/lib/gitops-gitlab-note.ts gitops/out/dev/preview.md
 *
 * Reads CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID (set by GitLab) and GITLAB_API_TOKEN
 * (a project access token with the `api` scope: CI_JOB_TOKEN may not write notes).
 */
import * as fs from "fs";

/** GitLab rejects note bodies over 1,000,000 characters; stay well below and say so. */
export const NOTE_LIMIT = 200_000;

/** A merge-request note as the API lists it (only the fields used). */
export interface Note {
    id: number;
    body: string;
    system?: boolean;
}

/** The note to edit (the newest one starting with the marker), or undefined to create one. */
export function noteToEdit(notes: readonly Note[], marker: string): Note | undefined {
    return [...notes].filter((n) => !n.system && n.body.startsWith(marker)).sort((a, b) => b.id - a.id)[0];
}

/** The report cut to the limit, with a pointer to the job artifacts when cut. */
export function noteBody(report: string, limit = NOTE_LIMIT): string {
    return report.length <= limit ? report : `${report.slice(0, limit)}\n\n… truncated: the full report is in the job's artifacts.\n`;
}

async function main(file: string): Promise<void> {
    const need = (k: string): string => {
        const v = process.env[k];
        if (!v) {
            throw new Error(`${k} is not set (run inside a merge-request pipeline; GITLAB_API_TOKEN is a masked CI/CD variable)`);
        }
        return v;
    };
    const api = `${need("CI_API_V4_URL")}/projects/${encodeURIComponent(need("CI_PROJECT_ID"))}/merge_requests/${need("CI_MERGE_REQUEST_IID")}/notes`;
    const headers = { "PRIVATE-TOKEN": need("GITLAB_API_TOKEN"), "Content-Type": "application/json" };
    const report = fs.readFileSync(file, "utf8");
    const marker = report.split("\n")[0];
    const notes: Note[] = [];
    for (let page = 1; page <= 20; page++) {
        const r = await fetch(`${api}?per_page=100&page=${page}&sort=asc`, { headers });
        if (!r.ok) {
            throw new Error(`listing notes: HTTP ${r.status} ${await r.text()}`);
        }
        const batch = (await r.json()) as Note[];
        notes.push(...batch);
        if (batch.length < 100) {
            break;
        }
    }
    const existing = noteToEdit(notes, marker);
    const body = JSON.stringify({ body: noteBody(report) });
    const r = existing
        ? await fetch(`${api}/${existing.id}`, { method: "PUT", headers, body })
        : await fetch(api, { method: "POST", headers, body });
    if (!r.ok) {
        throw new Error(`${existing ? "editing" : "creating"} the note: HTTP ${r.status} ${await r.text()}`);
    }
    console.log(`[gitops] ${existing ? "updated" : "posted"} the merge-request note for ${marker}`);
}

if (require.main === module) {
    const file = process.argv[2];
    if (!file) {
        console.error("usage: node --import tsx scripts/lib/gitops-gitlab-note.ts REPORT.md");
        process.exit(2);
    }
    main(file).catch((err: Error) => {
        console.error(`[gitops] ${err.message}`);
        process.exit(1);
    });
}
