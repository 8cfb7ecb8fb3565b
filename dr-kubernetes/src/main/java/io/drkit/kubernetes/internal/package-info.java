/** Implementation details of dr-kubernetes; not API, may change without notice. */
package io.drkit.kubernetes.internal;
