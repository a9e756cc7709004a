package dev.sdbot.db.entity;

/** Who a quota rule applies to. A user rule beats role rules, which beat the guild default. */
public enum QuotaScope {
    GUILD_DEFAULT, ROLE, USER
}
