package dev.sdbot.bot;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The bot's package structure (see {@code package-info.java} of {@link dev.sdbot.bot}): features over
 * infrastructure, no package in a cycle, arrows only downwards.
 */
class PackageStructureTest {
    // The bot's own classes folder only: scanning the whole class path (DJL, JDA...) takes a minute.
    private static final JavaClasses MAIN = new ClassFileImporter()
            .importUrl(DiscordBot.class.getProtectionDomain().getCodeSource().getLocation());

    @Test
    void noPackageIsInACycle() {
        // Every package its own slice, sub-packages too (features.moderation vs features.moderation.filter).
        slices().matching("dev.sdbot.bot.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void infrastructureKnowsNoFeature() {
        noClasses().that().resideInAnyPackage("dev.sdbot.bot.discord..", "dev.sdbot.bot.config..",
                        "dev.sdbot.bot.models..", "dev.sdbot.bot.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sdbot.bot", "dev.sdbot.bot.features..",
                        "dev.sdbot.bot.cli..", "dev.sdbot.bot.http..")
                .check(MAIN);
    }

    @Test
    void featuresDoNotReachUpToTheEntryPoints() {
        noClasses().that().resideInAPackage("dev.sdbot.bot.features..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sdbot.bot", "dev.sdbot.bot.cli..", "dev.sdbot.bot.http..")
                .check(MAIN);
    }

    @Test
    void featuresReadTheDatabaseThroughTheSchedulerAndTheStores() {
        // /admin's usage and export read UsageReports, quotas QuotaRuleStore: no SQL of a feature's own.
        // ConsoleQueries is the console's last own SQL, being moved behind the scheduler's reports.
        noClasses().that().resideInAPackage("dev.sdbot.bot.features..").and().doNotHaveSimpleName("ConsoleQueries")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "jakarta.persistence..")
                .check(MAIN);
    }
}
