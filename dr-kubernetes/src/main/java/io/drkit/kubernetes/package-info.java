/**
 * The Kubernetes backend of drkit (fabric8 kubernetes-client on OkHttp): {@link io.drkit.kubernetes.KubernetesClusterInspector}
 * reads the cluster, {@link io.drkit.kubernetes.LonghornCrdCatalog} lists backups from Longhorn's CRDs,
 * {@link io.drkit.kubernetes.KubernetesVolumeBinder} restores volumes and writes pre-bound PVs,
 * {@link io.drkit.kubernetes.RecurringJobPolicy} and {@link io.drkit.kubernetes.StorageClassLint} keep the backup
 * policy right, and {@link io.drkit.kubernetes.RbacManifest} names the permissions all of it needs.
 */
package io.drkit.kubernetes;
