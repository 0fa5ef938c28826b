/** Progress reporting on a terminal for long jobs (replays, sweeps). */
package org.virtreplay.analysis.progress;
