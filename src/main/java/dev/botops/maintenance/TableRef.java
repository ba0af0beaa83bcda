package dev.botops.maintenance;

/** A table by schema and name, as resolved from the catalog; {@link #quoted()} is safe to splice into SQL. */
public record TableRef(String schema, String name) {
    public String quoted() {
        return quote(schema) + "." + quote(name);
    }

    /** {@code schema.name} for people and logs. */
    public String display() {
        return schema + "." + name;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return display();
    }
}
