package io.drkit.core.bind;

import java.util.Objects;

/**
 * What a create operation of {@link StepOperations} found: it created the object, or an identical one appeared
 * concurrently (a 409 with matching content, a lost answer followed by a look). The engine counts the first as a
 * change and the second as something adopted.
 *
 * @param created whether this call created the object
 * @param note    what the reader should know about the created object (e.g. "it has no claimRef"), or {@code ""}
 */
public record Creation(boolean created, String note) {

    /** Validates. */
    public Creation {
        note = Objects.requireNonNullElse(note, "");
    }

    /** This call created the object. */
    public static Creation createdNow() {
        return new Creation(true, "");
    }

    /** This call created the object; {@code note} is added to the step's action log. */
    public static Creation createdNow(String note) {
        return new Creation(true, note);
    }

    /** A matching object appeared concurrently; nothing was created. */
    public static Creation foundConcurrently() {
        return new Creation(false, "");
    }
}
