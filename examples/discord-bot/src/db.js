"use strict";

/**
 * SQLite storage. One file, one process: better-sqlite3 is synchronous, which is fine for a
 * server where a few messages arrive per minute.
 */
const fs = require("node:fs");
const path = require("node:path");
const Database = require("better-sqlite3");

const DEFAULT_FILE = path.join(__dirname, "..", "data", "lantern.db");
const RETENTION_DAYS = 90;

function openDatabase(file = DEFAULT_FILE) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`
    CREATE TABLE IF NOT EXISTS message_counts (
      day        TEXT    NOT NULL,
      channel_id TEXT    NOT NULL,
      user_id    TEXT    NOT NULL,
      count      INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (day, channel_id, user_id)
    );
    CREATE TABLE IF NOT EXISTS highlights (
      message_id TEXT PRIMARY KEY,
      day        TEXT    NOT NULL,
      channel_id TEXT    NOT NULL,
      author_id  TEXT    NOT NULL,
      url        TEXT    NOT NULL,
      reactions  INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `);

  const countMessage = db.prepare(`
    INSERT INTO message_counts (day, channel_id, user_id, count) VALUES (?, ?, ?, 1)
    ON CONFLICT (day, channel_id, user_id) DO UPDATE SET count = count + 1
  `);
  const bumpReaction = db.prepare(`
    INSERT INTO highlights (message_id, day, channel_id, author_id, url, reactions) VALUES (?, ?, ?, ?, ?, 1)
    ON CONFLICT (message_id) DO UPDATE SET reactions = reactions + 1
  `);
  const channelTotals = db.prepare(`
    SELECT channel_id AS channelId, SUM(count) AS messages FROM message_counts
    WHERE day = ? GROUP BY channel_id ORDER BY messages DESC LIMIT 5
  `);
  const memberTotals = db.prepare(`
    SELECT user_id AS userId, SUM(count) AS messages FROM message_counts
    WHERE day = ? GROUP BY user_id ORDER BY messages DESC LIMIT 5
  `);
  const topHighlights = db.prepare(`
    SELECT url, author_id AS authorId, reactions FROM highlights
    WHERE day = ? ORDER BY reactions DESC LIMIT 3
  `);
  const userWeek = db.prepare(`
    SELECT COALESCE(SUM(count), 0) AS messages FROM message_counts WHERE user_id = ? AND day >= ?
  `);
  const getSetting = db.prepare("SELECT value FROM settings WHERE key = ?");
  const putSetting = db.prepare(`
    INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
  `);
  const pruneCounts = db.prepare("DELETE FROM message_counts WHERE day < ?");
  const pruneHighlights = db.prepare("DELETE FROM highlights WHERE day < ?");

  return {
    recordMessage: (day, channelId, userId) => countMessage.run(day, channelId, userId),
    recordReaction: (message, day) =>
      bumpReaction.run(message.id, day, message.channelId, message.authorId, message.url),
    statsFor: (day) => ({
      day,
      channels: channelTotals.all(day),
      members: memberTotals.all(day),
      highlights: topHighlights.all(day),
    }),
    messagesSince: (userId, day) => userWeek.get(userId, day).messages,
    getSetting: (key) => getSetting.get(key)?.value ?? null,
    setSetting: (key, value) => putSetting.run(key, value),
    prune: (today) => {
      const cutoff = shiftDay(today, -RETENTION_DAYS);
      return pruneCounts.run(cutoff).changes + pruneHighlights.run(cutoff).changes;
    },
    close: () => db.close(),
  };
}

/** YYYY-MM-DD in UTC, the key every table uses. */
function dayOf(date) {
  return date.toISOString().slice(0, 10);
}

function shiftDay(day, delta) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + delta);
  return dayOf(d);
}

module.exports = { openDatabase, dayOf, shiftDay };
