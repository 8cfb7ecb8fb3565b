package io.drkit.core.plan;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.PvcRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a plan's backups against a catalog before anything is created: a plan is a file that may be old or edited,
 * so right before it is applied every step's backup must still be in the catalog, complete, at the same URL, of the
 * same volume, no larger than the volume the step creates, and, when the backup records its claim, taken of the
 * step's claim (the planner's own rule: a backup of another claim is never restored into this one).
 *
 * <p>All steps are checked first; if any fails, the plan is refused as a whole and nothing is changed.
 */
public final class PlanCatalogCheck {
    private PlanCatalogCheck() {
    }

    /**
     * Checks every step of {@code plan} against {@code catalog}.
     *
     * @throws NotFoundException     when a step's backup (or its volume) is not in the catalog; the message names every
     *                               failing step
     * @throws InvalidInputException when a step's backup is in the catalog but differs from the plan's (state, URL,
     *                               size, claim)
     */
    public static void check(RestorePlan plan, BackupCatalog catalog) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(catalog, "catalog");
        List<String> missing = new ArrayList<>();
        List<String> different = new ArrayList<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            RestoreStep step = plan.steps().get(i);
            String where = "steps[" + i + "] (" + step.id() + ")";
            Backup want = step.backup();
            Optional<Backup> found;
            try {
                found = catalog.findBackup(want.volumeName(), want.name());
            } catch (NotFoundException e) {
                found = Optional.empty();
            } catch (InvalidBackupDataException e) {
                different.add(where + ": backup " + want.name() + " of volume " + want.volumeName()
                        + " cannot be read from the catalog: " + e.getMessage());
                continue;
            }
            if (found.isEmpty()) {
                missing.add(where + ": backup " + want.name() + " of volume " + want.volumeName() + " is not in "
                        + catalog.describe());
                continue;
            }
            problem(step, found.get()).ifPresent(p -> different.add(where + ": " + p));
        }
        if (missing.isEmpty() && different.isEmpty()) {
            return;
        }
        List<String> all = new ArrayList<>(missing);
        all.addAll(different);
        String message = "plan refused, nothing was changed: " + String.join("; ", all);
        if (different.isEmpty()) {
            throw new NotFoundException(message);
        }
        throw new InvalidInputException(message);
    }

    /** Why the catalog's {@code have} does not match what {@code step} plans to restore, if it does not. */
    static Optional<String> problem(RestoreStep step, Backup have) {
        Backup want = step.backup();
        String name = "backup " + want.name() + " of volume " + want.volumeName();
        if (have.state() != BackupState.COMPLETED || have.url().isEmpty()) {
            return Optional.of(name + " is " + have.state() + " in the catalog, not a complete backup");
        }
        BackupUrl planUrl = step.fromBackup();
        if (!planUrl.sameBackup(have.url().get())) {
            return Optional.of(name + " is at " + have.url().get() + " in the catalog, but the plan restores from "
                    + planUrl);
        }
        if (have.volumeSize() > step.sizeBytes()) {
            return Optional.of(name + " is of a " + have.volumeSize() + "-byte volume in the catalog, larger than the"
                    + " step's " + step.sizeBytes() + " bytes");
        }
        Optional<PvcRef> claim;
        try {
            claim = have.kubernetesStatus().flatMap(KubernetesStatus::pvc);
        } catch (InvalidBackupDataException e) {
            claim = Optional.empty();
        }
        if (claim.isPresent() && !claim.get().equals(step.pvc())) {
            return Optional.of(name + " was taken of claim " + claim.get() + ", not of " + step.pvc());
        }
        return Optional.empty();
    }
}
