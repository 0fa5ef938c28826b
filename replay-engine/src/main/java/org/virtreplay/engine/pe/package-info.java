/**
 * Processing elements: exception levels, execution and security states, and the system registers
 * a PE holds ({@link org.virtreplay.engine.pe.SysRegName} is the project-wide list of names).
 */
package org.virtreplay.engine.pe;
