"use strict";

require("dotenv").config();

const config = {
  token: process.env.DISCORD_TOKEN,
  clientId: process.env.DISCORD_CLIENT_ID,
  guildId: process.env.GUILD_ID,
  digestCron: process.env.DIGEST_CRON || "0 9 * * *",
  logLevel: process.env.LOG_LEVEL || "info",
};

const missing = Object.entries({ DISCORD_TOKEN: config.token, DISCORD_CLIENT_ID: config.clientId, GUILD_ID: config.guildId })
  .filter(([, value]) => !value)
  .map(([name]) => name);
if (missing.length > 0) {
  throw new Error(`Missing environment variables: ${missing.join(", ")} (see .env.example)`);
}

module.exports = config;
