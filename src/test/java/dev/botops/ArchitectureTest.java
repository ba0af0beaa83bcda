package dev.botops;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering DESIGN.md draws, checked on every build. */
@AnalyzeClasses(packages = "dev.botops", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule uiNeverTouchesJdbc = noClasses().that().resideInAPackage("dev.botops.ui..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "com.zaxxer.hikari..", "org.postgresql..");

    /** The endpoint reads the services' cached state; it never runs SQL of its own (DESIGN.md invariant 6). */
    @ArchTest
    static final ArchRule httpNeverTouchesJdbc = noClasses().that().resideInAPackage("dev.botops.http..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "com.zaxxer.hikari..", "org.postgresql..");

    @ArchTest
    static final ArchRule onlyTheCompositionRootAndUiKnowTheUi = noClasses()
            .that().resideOutsideOfPackages("dev.botops.ui..", "dev.botops.app..")
            .should().dependOnClassesThat().resideInAPackage("dev.botops.ui..");

    @ArchTest
    static final ArchRule servicesDoNotDependOnTheCompositionRoot = noClasses()
            .that().resideInAnyPackage("dev.botops.db..", "dev.botops.config..", "dev.botops.monitor..",
                    "dev.botops.maintenance..", "dev.botops.bot..", "dev.botops.http..")
            .should().dependOnClassesThat().resideInAPackage("dev.botops.app..");

    /**
     * The screens read through their ports; the composition root builds the ports over the services and hands them
     * over (STYLE.md habits 16 and 17). A screen never reaches for the context or the desktop wiring.
     */
    @ArchTest
    static final ArchRule uiDoesNotKnowTheCompositionRoot = noClasses().that().resideInAPackage("dev.botops.ui..")
            .should().dependOnClassesThat().resideInAPackage("dev.botops.app..");

    @ArchTest
    static final ArchRule backendHasNoJavaFx = noClasses()
            .that().resideInAnyPackage("dev.botops.db..", "dev.botops.config..", "dev.botops.monitor..",
                    "dev.botops.maintenance..", "dev.botops.bot..", "dev.botops.http..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    /**
     * Units of work are transactions whose settings last one transaction (DESIGN.md invariant 10): only the db layer
     * switches a connection's autocommit or session properties, which would otherwise outlive the work.
     */
    @ArchTest
    static final ArchRule onlyTheDbLayerChangesConnectionState = noClasses().that().resideOutsideOfPackage("dev.botops.db..")
            .should().callMethod(java.sql.Connection.class, "setAutoCommit", boolean.class)
            .orShould().callMethod(java.sql.Connection.class, "setReadOnly", boolean.class)
            .orShould().callMethod(java.sql.Connection.class, "setSchema", String.class)
            .orShould().callMethod(java.sql.Connection.class, "setTransactionIsolation", int.class)
            .orShould().callMethod(java.sql.Connection.class, "setClientInfo", String.class, String.class)
            .because("Database applies per-work settings transaction-locally; session state leaks through a pooler");

    /** The thread helpers are a leaf that every layer may use: they know only the JDK and the logging API. */
    @ArchTest
    static final ArchRule concurrentIsALeaf = classes().that().resideInAPackage("dev.botops.concurrent..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.botops.concurrent..", "java..", "org.slf4j..");

    /** Executors stop through Threads.shutdown/shutdownNow: bounded, interrupt kept, logged when forced (STYLE.md habit 8). */
    @ArchTest
    static final ArchRule executorsStopThroughTheThreadsHelper = noClasses().that().resideOutsideOfPackage("dev.botops.concurrent..")
            .should().callMethodWhere(target(name("awaitTermination")))
            .because("dev.botops.concurrent.Threads does the ordered, bounded shutdown in one place");

    /** The instance lease is a leaf the bot and maintenance share: it knows only the database layer. */
    @ArchTest
    static final ArchRule leaseIsALeaf = classes().that().resideInAPackage("dev.botops.lease..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.botops.lease..", "dev.botops.db..", "java..", "org.slf4j..");

    /** The driver's TLS factory is a leaf the configuration names: it knows only the JDK. */
    @ArchTest
    static final ArchRule tlsIsALeaf = classes().that().resideInAPackage("dev.botops.tls..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.botops.tls..", "java..", "javax..");
}
