/** The merkle module's public API. */
package dev.lorehub.merkle;
