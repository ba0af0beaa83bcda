package dev.botops.ui.common;

/**
 * Where the thing a screen shows runs: in this process, in another instance (by its {@code app.instance-name}), or
 * nowhere (no instance is active, or it is turned off here). Port records carry it, so a screen reads the same
 * whether its figures come from this process's services or from another instance's heartbeat.
 *
 * @param instance the instance's name; empty for {@link Kind#NOWHERE}
 */
public record RunsOn(Kind kind, String instance) {
    /** Which of the three. */
    public enum Kind {
        THIS_INSTANCE,
        OTHER_INSTANCE,
        NOWHERE
    }

    public RunsOn {
        instance = instance == null ? "" : instance;
    }

    public static RunsOn thisInstance(String name) {
        return new RunsOn(Kind.THIS_INSTANCE, name);
    }

    public static RunsOn instance(String name) {
        return new RunsOn(Kind.OTHER_INSTANCE, name);
    }

    public static RunsOn nowhere() {
        return new RunsOn(Kind.NOWHERE, "");
    }

    public boolean here() {
        return kind == Kind.THIS_INSTANCE;
    }

    public boolean nowhereActive() {
        return kind == Kind.NOWHERE;
    }

    /** "on this instance", "on server-a", "no active instance": what a screen writes next to the figures. */
    public String label() {
        switch (kind) {
            case THIS_INSTANCE:
                return "on this instance";
            case OTHER_INSTANCE:
                return "on " + instance;
            default:
                return "no active instance";
        }
    }
}
