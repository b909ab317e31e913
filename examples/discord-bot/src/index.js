"use strict";

const cron = require("node-cron");
const { Client, EmbedBuilder, Events, GatewayIntentBits, Partials } = require("discord.js");
const config = require("./config");
const log = require("./log");
const { openDatabase, dayOf, shiftDay } = require("./db");
const { buildDigest } = require("./digest");

const db = openDatabase();

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions],
  partials: [Partials.Message, Partials.Channel, Partials.Reaction],
});

async function postDigest(day) {
  const channelId = db.getSetting("digest_channel");
  if (!channelId) {
    log.warn("no digest channel set; use /digest channel");
    return false;
  }
  const channel = await client.channels.fetch(channelId);
  const digest = buildDigest(db.statsFor(day));
  await channel.send({
    embeds: [new EmbedBuilder().setTitle(digest.title).setDescription(digest.description).addFields(digest.fields).setColor(0xf5a524)],
  });
  log.info({ day, channelId }, "digest posted");
  return true;
}

client.once(Events.ClientReady, (ready) => {
  log.info({ user: ready.user.tag }, "connected");

  cron.schedule(
    config.digestCron,
    async () => {
      const today = dayOf(new Date());
      try {
        await postDigest(shiftDay(today, -1));
        const removed = db.prune(today);
        log.debug({ removed }, "pruned old rows");
      } catch (err) {
        log.error({ err }, "daily digest failed");
      }
    },
    { timezone: "UTC" },
  );
  log.info({ cron: config.digestCron }, "digest scheduled");
});

client.on(Events.MessageCreate, (message) => {
  if (message.author.bot || message.guildId !== config.guildId) return;
  db.recordMessage(dayOf(message.createdAt), message.channelId, message.author.id);
});

client.on(Events.MessageReactionAdd, async (reaction, user) => {
  if (user.bot) return;
  try {
    const message = reaction.message.partial ? await reaction.message.fetch() : reaction.message;
    if (message.guildId !== config.guildId || message.author.bot) return;
    db.recordReaction(
      { id: message.id, channelId: message.channelId, authorId: message.author.id, url: message.url },
      dayOf(message.createdAt),
    );
  } catch (err) {
    log.warn({ err }, "could not record reaction");
  }
});

client.on(Events.InteractionCreate, async (interaction) => {
  if (!interaction.isChatInputCommand()) return;
  try {
    if (interaction.commandName === "stats") {
      const since = shiftDay(dayOf(new Date()), -6);
      const count = db.messagesSince(interaction.user.id, since);
      await interaction.reply({ content: `You sent ${count} messages in the last 7 days.`, ephemeral: true });
      return;
    }
    if (interaction.commandName === "digest") {
      const sub = interaction.options.getSubcommand();
      if (sub === "channel") {
        const channel = interaction.options.getChannel("channel", true);
        db.setSetting("digest_channel", channel.id);
        await interaction.reply({ content: `Daily digest will be posted in <#${channel.id}>.`, ephemeral: true });
      } else if (sub === "now") {
        await interaction.deferReply({ ephemeral: true });
        const posted = await postDigest(shiftDay(dayOf(new Date()), -1));
        await interaction.editReply(posted ? "Digest posted." : "Set a channel first with /digest channel.");
      }
    }
  } catch (err) {
    log.error({ err, command: interaction.commandName }, "command failed");
    const reply = { content: "Something went wrong.", ephemeral: true };
    if (interaction.deferred || interaction.replied) await interaction.editReply(reply).catch(() => {});
    else await interaction.reply(reply).catch(() => {});
  }
});

function shutdown(signal) {
  log.info({ signal }, "shutting down");
  client.destroy().finally(() => {
    db.close();
    process.exit(0);
  });
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

client.login(config.token);
