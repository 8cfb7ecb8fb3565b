package io.drkit.core.catalog;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a catalog's view of its backups is known to be complete: the answer of {@link BackupCatalog#completeness()}.
 * A catalog that reads the store itself (a raw backupstore, values in memory) is complete by construction. A catalog
 * over Longhorn's own view (its CRDs or REST API) is complete only once Longhorn has synced that view from its backup
 * target: right after a rebuild Longhorn lists backup volumes minutes before it knows their backups, and an
 * incomplete view must never be read as "no backup".
 *
 * <p>Two levels of gaps:
 * <ul>
 *   <li>{@link #reasons()}: the view as a whole is not known to be complete (the backup target was never synced, or
 *       not since the run started, or is unavailable; Longhorn is not installed yet). Any volume, even one not listed
 *       at all, may be missing or stale.</li>
 *   <li>{@link #volumes()}: these backup volumes are listed but not synced (by original volume name, each with what is
 *       missing, e.g. "last backup backup-… has no Backup object yet"); the other listed volumes are complete.</li>
 * </ul>
 *
 * @param reasons catalog-wide gaps, each a sentence naming the object concerned; empty when the list of volumes is
 *                known to be complete
 * @param volumes backup volumes (original name) whose backups are not known completely, with what is missing
 */
public record CatalogCompleteness(List<String> reasons, Map<String, String> volumes) {

    private static final CatalogCompleteness COMPLETE = new CatalogCompleteness(List.of(), Map.of());

    /** Copies (volumes sorted by name). */
    public CatalogCompleteness {
        reasons = List.copyOf(Objects.requireNonNullElse(reasons, List.of()));
        volumes = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNullElse(volumes, Map.of())));
    }

    /** A view known to be complete. */
    public static CatalogCompleteness complete() {
        return COMPLETE;
    }

    /** An incomplete view; complete when both are empty. */
    public static CatalogCompleteness of(List<String> reasons, Map<String, String> volumes) {
        CatalogCompleteness c = new CatalogCompleteness(reasons, volumes);
        return c.isComplete() ? COMPLETE : c;
    }

    /** Whether the view is known to be complete (no catalog-wide reason, no unsynced volume). */
    public boolean isComplete() {
        return reasons.isEmpty() && volumes.isEmpty();
    }

    /**
     * Whether the list of backup volumes itself is known to be complete (no catalog-wide reason): a claim that no listed
     * volume maps to then really has no backup.
     */
    public boolean listsEveryVolume() {
        return reasons.isEmpty();
    }

    /** What is not synced for {@code volumeName}, if that volume is listed as incomplete. */
    public Optional<String> volumeGap(String volumeName) {
        return Optional.ofNullable(volumes.get(volumeName));
    }

    /** One line for people: "complete", or the reasons and the unsynced volumes (at most {@code 10} named). */
    public String summary() {
        if (isComplete()) {
            return "complete";
        }
        StringBuilder sb = new StringBuilder();
        reasons.forEach(r -> sb.append(sb.length() == 0 ? "" : "; ").append(r));
        if (!volumes.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(volumes.size()).append(" backup volume(s) not synced: ");
            int n = 0;
            for (Map.Entry<String, String> e : volumes.entrySet()) {
                if (n++ == 10) {
                    sb.append(", ...");
                    break;
                }
                sb.append(n == 1 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "CatalogCompleteness[" + summary() + "]";
    }
}
