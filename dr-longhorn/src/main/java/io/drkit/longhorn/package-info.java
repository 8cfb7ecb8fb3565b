/**
 * Longhorn's manager REST API as a drkit backend: {@link io.drkit.longhorn.LonghornClient} (typed, version-aware
 * client), {@link io.drkit.longhorn.LonghornBackupCatalog} (what backups Longhorn knows) and
 * {@link io.drkit.longhorn.LonghornVolumeBinder} (restore a volume and create its PV/PVC through Longhorn).
 * Implementation details live in {@code io.drkit.longhorn.internal} and are not API.
 */
package io.drkit.longhorn;
