/**
 * Implementation details of dr-s3 (cfg parsing, block decoding, the restore and scan machinery); not API: left out of
 * the javadoc, and may change in any release.
 */
package io.drkit.s3.internal;
