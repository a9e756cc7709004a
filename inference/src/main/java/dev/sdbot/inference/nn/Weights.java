package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A model's weights under one internal (diffusers) naming, already in the compute dtype and owned
 * by the model's long-lived NDManager.
 */
public final class Weights {
    private final Map<String, NDArray> tensors;
    private final String description;

    public Weights(Map<String, NDArray> tensors, String description) {
        this.tensors = Map.copyOf(tensors);
        this.description = description;
    }

    public NDArray get(String key) {
        NDArray a = tensors.get(key);
        if (a == null) {
            throw new CheckpointException(description + " lacks weight '" + key + "'");
        }
        return a;
    }

    public NDArray getOptional(String key) {
        return tensors.get(key);
    }

    public boolean contains(String key) {
        return tensors.containsKey(key);
    }

    public Set<String> keys() {
        return tensors.keySet();
    }

    /**
     * These weights with every floating-point tensor in {@code type} (the compute dtype); the originals of
     * converted tensors are closed, so this object must not be used afterwards.
     */
    public Weights castTo(DataType type) {
        Map<String, NDArray> cast = new LinkedHashMap<>();
        tensors.forEach((key, a) -> {
            if (!a.getDataType().isFloating() || a.getDataType() == type) {
                cast.put(key, a);
            } else {
                cast.put(key, a.toType(type, true));
                a.close();
            }
        });
        return new Weights(cast, description);
    }

    /** The weights under {@code prefix.} with the prefix removed. */
    public Weights sub(String prefix) {
        String p = prefix + ".";
        return new Weights(tensors.entrySet().stream()
                .filter(e -> e.getKey().startsWith(p))
                .collect(Collectors.toMap(e -> e.getKey().substring(p.length()), Map.Entry::getValue)),
                description + "/" + prefix);
    }

    /** Distinct integer indices {@code i} present as {@code prefix.i.*}, e.g. the layers of a block. */
    public Set<Integer> indices(String prefix) {
        String p = prefix.isEmpty() ? "" : prefix + ".";
        Set<Integer> result = new TreeSet<>();
        for (String key : tensors.keySet()) {
            if (key.startsWith(p)) {
                String rest = key.substring(p.length());
                int dot = rest.indexOf('.');
                String head = dot < 0 ? rest : rest.substring(0, dot);
                if (!head.isEmpty() && head.chars().allMatch(Character::isDigit)) {
                    result.add(Integer.parseInt(head));
                }
            }
        }
        return result;
    }
}
