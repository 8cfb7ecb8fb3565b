/**
 * Implementation details of dr-core shared by drkit's own modules (Go URL parsing, the bounded JSON reader); not API:
 * public only so the backends can use them, left out of the javadoc, and may change in any release.
 */
package io.drkit.core.internal;
