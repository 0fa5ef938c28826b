package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.Hypervisor.SCHED_BLOCK;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_PREEMPT;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_RUN;
import static org.virtreplay.engine.hyp.Hypervisor.SCHED_WAKE;
import static org.virtreplay.engine.hyp.Hypervisor.ST_BLOCKED;
import static org.virtreplay.engine.hyp.Hypervisor.ST_GUEST;
import static org.virtreplay.engine.hyp.Hypervisor.ST_HOST;
import static org.virtreplay.engine.hyp.Hypervisor.ST_RUNNABLE;
import static org.virtreplay.engine.hyp.HypState.EV_QUANTUM;
import static org.virtreplay.engine.hyp.HypState.EV_WAKE;
import static org.virtreplay.engine.hyp.IrqLatencyStats.COMPONENTS;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_INJECT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_SCHED;

/**
 * Handler of {@code sched} events and the model schedulers (pinned, fair): placement, run queues,
 * time slices, blocking on WFI, wake-ups and optional wake-up preemption.
 */
final class VcpuScheduler {
    private final HypState m;

    VcpuScheduler(HypState m) {
        this.m = m;
    }

    void onSchedImpl(long ts, int p, int vm, int vcpu, int event) {
        int g = m.gOf(vm, vcpu);
        if (m.cfg.policy() == SchedPolicy.TRACE) {
            switch (event) {
                case SCHED_RUN -> {
                    if (m.state[g] == ST_RUNNABLE || m.state[g] == ST_BLOCKED) {
                        scheduleIn(g, p < 0 ? g % m.cfg.peCount() : p, ts, 0);
                    } else if (p >= 0) {
                        m.pe[g] = p;
                    }
                }
                case SCHED_PREEMPT -> scheduleOut(g, ts, ST_RUNNABLE);
                case SCHED_BLOCK -> scheduleOut(g, ts, ST_BLOCKED);
                case SCHED_WAKE -> {
                    if (m.state[g] == ST_BLOCKED) {
                        m.state[g] = ST_RUNNABLE;
                    }
                }
                default -> throw new IllegalArgumentException("sched event " + event);
            }
            return;
        }
        if (event == SCHED_BLOCK) {
            if ((m.state[g] == ST_GUEST || m.state[g] == ST_HOST) && !m.hasPending(g) && m.handlerSlot[g] < 0) {
                int p0 = m.pe[g];
                m.stats.exits[g]++;
                scheduleOut(g, ts, ST_BLOCKED);
                // The WFI trap and the switch away occupy the PE for an exit.
                pickNext(p0, ts + m.exitNs);
            }
        } else if (event == SCHED_WAKE) {
            wake(g, ts);
        }
    }

    void placeInitially() {
        for (int g = 0; g < m.nv; g++) {
            if (m.cfg.policy() == SchedPolicy.TRACE) {
                // Until the trace says otherwise, a vCPU is running (traces usually start mid-run).
                m.state[g] = ST_GUEST;
                m.pe[g] = g % m.cfg.peCount();
                continue;
            }
            int target = -1;
            if (m.cfg.policy() == SchedPolicy.PINNED) {
                int home = g % m.cfg.peCount();
                target = m.peCur[home] < 0 ? home : -1;
            } else {
                for (int p = 0; p < m.cfg.peCount(); p++) {
                    if (m.peCur[p] < 0) {
                        target = p;
                        break;
                    }
                }
            }
            if (target >= 0) {
                m.state[g] = ST_GUEST;
                m.pe[g] = target;
                m.peCur[target] = g;
                m.peLast[target] = g;
            } else {
                m.state[g] = ST_RUNNABLE;
                m.pe[g] = -1;
                enqueue(g, 0);
            }
        }
    }

    void scheduleIn(int g, int p, long t, long switchCost) {
        m.state[g] = ST_HOST;
        m.pe[g] = p;
        m.hostFree[g] = t + switchCost;
        for (int i = 0; i < m.apLen[g]; i++) {
            int s = m.ap[g][i];
            if (!m.sActive[s]) {
                // The switch is still scheduling delay; flush and entry are injection overhead.
                m.setPhase(s, t, C_INJECT);
                m.sComp[s * COMPONENTS + C_SCHED] += switchCost;
                m.sPhaseStart[s] = t + switchCost;
                m.sPreComp[s] = C_SCHED;
            }
        }
        m.run.scheduleEnter(g);
        if (m.cfg.policy() != SchedPolicy.TRACE) {
            m.peCur[p] = g;
            m.peLast[p] = g;
            m.sliceStart[p] = t;
            m.quantumEpoch[p]++;
            m.quantumArmed[p] = false;
            armQuantum(p, t);
        }
    }

    void scheduleOut(int g, long t, int newState) {
        if (m.state[g] == ST_RUNNABLE || m.state[g] == ST_BLOCKED) {
            m.state[g] = newState == ST_BLOCKED && m.state[g] == ST_RUNNABLE ? ST_BLOCKED : m.state[g];
            return;
        }
        if (m.state[g] == ST_GUEST) {
            // Leaving the guest is an exit: the guest's WFI trapping (block), or the physical
            // interrupt that preempts it. Out of EL2 already, the vCPU's exit stays open.
            m.openExit(g, newState == ST_BLOCKED ? ExitReason.WFX : ExitReason.IRQ, t + m.exitNs, -1);
        }
        m.run.leaveGuest(g, t);
        m.enterEpoch[g]++;
        // Fold: everything goes back to the ap_list; the saved LRs are rebuilt at the next entry.
        int base = g * m.nLr;
        for (int i = 0; i < m.nLr; i++) {
            m.lrSlot[base + i] = -1;
        }
        for (int i = 0; i < m.apLen[g]; i++) {
            int s = m.ap[g][i];
            m.sLr[s] = -1;
            if (!m.sActive[s]) {
                m.setPhase(s, t, C_SCHED);
            }
        }
        int p = m.pe[g];
        m.state[g] = newState;
        m.pe[g] = -1;
        if (p >= 0 && m.cfg.policy() != SchedPolicy.TRACE && m.peCur[p] == g) {
            m.peCur[p] = -1;
            m.quantumEpoch[p]++;
            m.quantumArmed[p] = false;
        }
    }

    int queueOf(int g) {
        return m.cfg.policy() == SchedPolicy.FAIR ? 0 : g % m.cfg.peCount();
    }

    void enqueue(int g, long t) {
        int q = queueOf(g);
        int[] r = m.rq[q];
        r[(m.rqHead[q] + m.rqLen[q]) % r.length] = g;
        m.rqLen[q]++;
        if (m.cfg.policy() == SchedPolicy.PINNED) {
            armQuantum(q, t);
        } else if (m.cfg.policy() == SchedPolicy.FAIR) {
            for (int p = 0; p < m.cfg.peCount(); p++) {
                armQuantum(p, t);
            }
        }
    }

    int dequeue(int q) {
        int g = m.rq[q][m.rqHead[q]];
        m.rqHead[q] = (m.rqHead[q] + 1) % m.rq[q].length;
        m.rqLen[q]--;
        return g;
    }

    void armQuantum(int p, long t) {
        if (m.quantumArmed[p] || m.peCur[p] < 0) {
            return;
        }
        int q = m.cfg.policy() == SchedPolicy.FAIR ? 0 : p;
        if (m.rqLen[q] == 0) {
            return;
        }
        m.quantumArmed[p] = true;
        m.events.push(Math.max(t, m.sliceStart[p] + m.cfg.quantumNs()), EV_QUANTUM, p, m.quantumEpoch[p]);
    }

    void quantumEnd(int p) {
        long t = m.now;
        m.quantumArmed[p] = false;
        int q = m.cfg.policy() == SchedPolicy.FAIR ? 0 : p;
        int g = m.peCur[p];
        if (g < 0 || m.rqLen[q] == 0) {
            return;
        }
        scheduleOut(g, t, ST_RUNNABLE);
        enqueue(g, t);
        int next = dequeue(q);
        scheduleIn(next, p, t, next == g ? 0 : m.switchNs);
    }

    /** Gives an idle PE its next runnable vCPU, if any. */
    void pickNext(int p, long t) {
        if (p < 0 || m.peCur[p] >= 0) {
            return;
        }
        int q = m.cfg.policy() == SchedPolicy.FAIR ? 0 : p;
        if (m.rqLen[q] == 0) {
            return;
        }
        int g = dequeue(q);
        scheduleIn(g, p, t, m.peLast[p] >= 0 && m.peLast[p] != g ? m.switchNs : 0);
    }

    void wake(int g, long t) {
        if (m.state[g] != ST_BLOCKED || m.waking[g]) {
            return;
        }
        if (m.cfg.policy() == SchedPolicy.TRACE) {
            // The trace's own wake/run records decide when it runs.
            return;
        }
        m.waking[g] = true;
        m.events.push(t + m.wakeNs, EV_WAKE, g, 0);
    }

    void wakeDone(int g) {
        m.waking[g] = false;
        if (m.state[g] != ST_BLOCKED) {
            return;
        }
        long t = m.now;
        m.state[g] = ST_RUNNABLE;
        int home = g % m.cfg.peCount();
        if (m.cfg.policy() == SchedPolicy.PINNED) {
            if (m.peCur[home] < 0) {
                scheduleIn(g, home, t, m.peLast[home] >= 0 && m.peLast[home] != g ? m.switchNs : 0);
                return;
            }
        } else {
            for (int p = 0; p < m.cfg.peCount(); p++) {
                if (m.peCur[p] < 0) {
                    scheduleIn(g, p, t, m.peLast[p] >= 0 && m.peLast[p] != g ? m.switchNs : 0);
                    return;
                }
            }
        }
        if (m.cfg.wakeupPreemption()) {
            int victimPe = -1;
            long longest = -1;
            for (int p = 0; p < m.cfg.peCount(); p++) {
                if (m.cfg.policy() == SchedPolicy.PINNED && p != home) {
                    continue;
                }
                long ran = t - m.sliceStart[p];
                if (m.peCur[p] >= 0 && ran >= m.cfg.wakeupGranularityNs() && ran > longest) {
                    longest = ran;
                    victimPe = p;
                }
            }
            if (victimPe >= 0) {
                int victim = m.peCur[victimPe];
                scheduleOut(victim, t, ST_RUNNABLE);
                enqueue(victim, t);
                scheduleIn(g, victimPe, t, m.switchNs);
                return;
            }
        }
        enqueue(g, t);
    }
}
