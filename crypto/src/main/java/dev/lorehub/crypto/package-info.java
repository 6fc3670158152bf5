/** The crypto module's public API. */
package dev.lorehub.crypto;
