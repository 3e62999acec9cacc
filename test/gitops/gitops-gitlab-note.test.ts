import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { noteBody, noteToEdit } from "../../scripts/lib/gitops-gitlab-note";

const MARKER = "<!-- containercloud-gitops:preview:dev -->";

describe("noteToEdit", () => {
    it("picks the newest non-system note that starts with the marker", () => {
        const notes = [
            { id: 1, body: `${MARKER}\nold` },
            { id: 7, body: `${MARKER}\nnewer` },
            { id: 9, body: `${MARKER}\nsystem`, system: true },
            { id: 8, body: "<!-- containercloud-gitops:preview:prod -->\nprod" },
        ];
        assert.equal(noteToEdit(notes, MARKER)?.id, 7);
    });

    it("returns undefined when no note carries the marker", () => {
        assert.equal(noteToEdit([{ id: 1, body: "LGTM" }], MARKER), undefined);
    });
});

describe("noteBody", () => {
    it("keeps a short report as it is and cuts a long one with a pointer to the artifacts", () => {
        assert.equal(noteBody("short", 10), "short");
        assert.equal(noteBody("0123456789abc", 10), "0123456789\n\n… truncated: the full report is in the job's artifacts.\n");
    });
});
