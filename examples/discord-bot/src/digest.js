"use strict";

/** Turns a day's stats into the digest embed. Pure, so it is easy to test. */

const MAX_DESCRIPTION = 4000;

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function buildDigest(stats) {
  const total = stats.channels.reduce((sum, c) => sum + c.messages, 0);
  if (total === 0) {
    return {
      title: `Lantern digest — ${stats.day}`,
      description: "A quiet day: no messages yesterday. See you around the campfire.",
      fields: [],
    };
  }

  const channels = stats.channels.map((c, i) => `${i + 1}. <#${c.channelId}> — ${plural(c.messages, "message")}`);
  const members = stats.members.map((m, i) => `${i + 1}. <@${m.userId}> — ${plural(m.messages, "message")}`);
  const highlights = stats.highlights.map((h) => `• [${plural(h.reactions, "reaction")}](${h.url}) by <@${h.authorId}>`);

  const fields = [
    { name: "Busiest channels", value: channels.join("\n") },
    { name: "Most active", value: members.join("\n") },
  ];
  if (highlights.length > 0) fields.push({ name: "Highlights", value: highlights.join("\n") });

  return {
    title: `Lantern digest — ${stats.day}`,
    description: `${plural(total, "message")} across ${plural(stats.channels.length, "channel")}.`.slice(
      0,
      MAX_DESCRIPTION,
    ),
    fields,
  };
}

module.exports = { buildDigest };
