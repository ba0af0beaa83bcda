package dev.botops.ui.maintenance;

import dev.botops.ui.common.Formats;

/** A table that can be vacuumed, with its total size (all partitions, indexes, TOAST). */
public record VacuumTarget(String name, String qualifiedName, long bytes) {
    VacuumTarget plus(VacuumTarget other) {
        return new VacuumTarget(name, qualifiedName, bytes + other.bytes);
    }

    @Override
    public String toString() {
        return name + "  (" + Formats.bytes(bytes) + ")";
    }
}
