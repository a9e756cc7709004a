package dev.sdbot.inference.weights.pickled;

import dev.sdbot.inference.weights.CheckpointException;

/**
 * A pickled weights file asks for something beyond tensors, storages and plain containers (a function call, an
 * object of a class, a malformed program). Nothing of it was executed: the reader only interprets the allowed subset.
 */
public final class PickleRefusedException extends CheckpointException {
    public PickleRefusedException(String message) {
        super(message);
    }
}
