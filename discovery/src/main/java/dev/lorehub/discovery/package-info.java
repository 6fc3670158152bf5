/** The discovery module's public API. */
package dev.lorehub.discovery;
