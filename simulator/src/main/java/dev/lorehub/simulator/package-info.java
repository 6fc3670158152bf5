/** The simulator module's public API. */
package dev.lorehub.simulator;
