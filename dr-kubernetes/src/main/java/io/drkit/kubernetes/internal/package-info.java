/** Implementation details of dr-kubernetes; not API: left out of the javadoc, and may change in any release. */
package io.drkit.kubernetes.internal;
