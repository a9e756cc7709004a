package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Frees a block's intermediates as soon as it returns. DJL puts an op's result in the manager of its
 * first operand, so the block's inputs are temporarily moved into a fresh sub-manager: everything
 * computed from them lands there and is closed with the scope, except what {@link #keep} hands back to
 * the caller's manager. The inputs return to their own managers on close.
 */
public final class Scope implements AutoCloseable {
    private final NDManager parent;
    private final NDManager manager;

    private Scope(NDManager parent) {
        this.parent = parent;
        this.manager = parent.newSubManager();
    }

    /** Opens a scope under the first input's manager and moves the inputs (nulls skipped) into it. */
    public static Scope of(NDArray first, NDArray... more) {
        Scope scope = new Scope(first.getManager());
        first.tempAttach(scope.manager);
        for (NDArray a : more) {
            if (a != null) {
                a.tempAttach(scope.manager);
            }
        }
        return scope;
    }

    public NDManager manager() {
        return manager;
    }

    /** Moves a result out of the scope so that it survives {@link #close()}. */
    public NDArray keep(NDArray result) {
        result.attach(parent);
        return result;
    }

    @Override
    public void close() {
        manager.close();
    }
}
