/**
 * A <b>simulation</b> of Longhorn's controllers and of Kubernetes' PV controller, for API servers that have none
 * (the fabric8 mock server): used by this module's tests and by the {@code dr drill}. It follows Longhorn's CRD
 * shapes and lifecycle in simplified form; it is not Longhorn and restores nothing unless given a restore hook.
 */
package io.drkit.kubernetes.testing;
