/** The node module's public API. */
package dev.lorehub.node;
