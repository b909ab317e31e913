"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { buildDigest } = require("../src/digest");

test("a quiet day gets a friendly message and no fields", () => {
  const digest = buildDigest({ day: "2024-05-01", channels: [], members: [], highlights: [] });
  assert.match(digest.description, /quiet day/);
  assert.deepEqual(digest.fields, []);
});

test("busy day lists channels, members and highlights", () => {
  const digest = buildDigest({
    day: "2024-05-02",
    channels: [
      { channelId: "111", messages: 42 },
      { channelId: "222", messages: 1 },
    ],
    members: [{ userId: "999", messages: 17 }],
    highlights: [{ url: "https://discord.com/channels/1/111/5", authorId: "999", reactions: 9 }],
  });
  assert.equal(digest.title, "Lantern digest — 2024-05-02");
  assert.equal(digest.description, "43 messages across 2 channels.");
  assert.equal(digest.fields.length, 3);
  assert.match(digest.fields[0].value, /<#111> — 42 messages/);
  assert.match(digest.fields[0].value, /<#222> — 1 message$/);
  assert.match(digest.fields[2].value, /9 reactions/);
});

test("no highlights field when nothing got reactions", () => {
  const digest = buildDigest({
    day: "2024-05-03",
    channels: [{ channelId: "111", messages: 3 }],
    members: [{ userId: "999", messages: 3 }],
    highlights: [],
  });
  assert.equal(digest.fields.length, 2);
});
