"use strict";

/** Registers the slash commands in the Lantern guild. Run after changing src/commands.js. */
const { REST, Routes } = require("discord.js");
const config = require("./config");
const { definitions } = require("./commands");

async function main() {
  const rest = new REST().setToken(config.token);
  const body = definitions.map((d) => d.toJSON());
  const result = await rest.put(Routes.applicationGuildCommands(config.clientId, config.guildId), { body });
  console.log(`Registered ${result.length} commands in guild ${config.guildId}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
