"use strict";

const { ChannelType, PermissionFlagsBits, SlashCommandBuilder } = require("discord.js");

const definitions = [
  new SlashCommandBuilder()
    .setName("digest")
    .setDescription("Manage the daily digest")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((sub) => sub.setName("now").setDescription("Post yesterday's digest right away"))
    .addSubcommand((sub) =>
      sub
        .setName("channel")
        .setDescription("Choose where the daily digest is posted")
        .addChannelOption((opt) =>
          opt.setName("channel").setDescription("Target channel").addChannelTypes(ChannelType.GuildText).setRequired(true),
        ),
    ),
  new SlashCommandBuilder().setName("stats").setDescription("Your message count for the last 7 days"),
];

module.exports = { definitions };
