/**
 * Internals of the Longhorn REST backend (HTTP transport, JSON parsing, error mapping); not API: left out of the
 * javadoc, and may change in any release.
 */
package io.drkit.longhorn.internal;
