/** Internals of the Longhorn REST backend (HTTP transport, JSON parsing, error mapping); not API. */
package io.drkit.longhorn.internal;
