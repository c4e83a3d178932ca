package dev.trustcontracts.agent.cycle;

import dev.trustcontracts.agent.SyncException;

/**
 * One named step of a sync cycle: it takes the record the step before it produced and returns the record the
 * next step takes. {@link SyncCycle} chains the steps once, in the manner of OkHttp's interceptor chain; each
 * step keeps its own caches as explicit state.
 *
 * @param <I> what the step takes
 * @param <O> what it hands on
 */
@FunctionalInterface
interface CycleStep<I, O> {
    O apply(I in) throws SyncException;

    /** This step, then {@code next} on what it returned. */
    default <N> CycleStep<I, N> then(CycleStep<? super O, N> next) {
        return in -> next.apply(apply(in));
    }
}
