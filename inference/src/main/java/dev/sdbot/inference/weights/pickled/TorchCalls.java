package dev.sdbot.inference.weights.pickled;

import dev.sdbot.inference.weights.pickled.PickleValues.Global;
import dev.sdbot.inference.weights.pickled.PickleValues.Storage;
import dev.sdbot.inference.weights.pickled.PickleValues.Tensor;
import dev.sdbot.inference.weights.pickled.PickleValues.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The globals a weights pickle may name, and what calling the callable ones means. The list follows
 * {@code torch.load(weights_only=True)}'s allowlist for state dicts: tensor and parameter rebuilders, typed
 * storages, OrderedDict, set and {@code _codecs.encode} (how protocol 2 writes bytes). Nothing here runs Python:
 * each call is a Java function building a plain value.
 */
final class TorchCalls {
    private static final String REBUILD_TENSOR_V2 = "torch._utils._rebuild_tensor_v2";
    private static final Set<String> CALLABLE = Set.of("collections.OrderedDict", REBUILD_TENSOR_V2,
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2", "_codecs.encode",
            "builtins.set", "__builtin__.set");
    private static final Set<String> TENSOR_TYPES = Set.of("torch.nn.parameter.Parameter", "torch.Tensor");

    private TorchCalls() {
    }

    static boolean allowed(Global global) {
        return CALLABLE.contains(global.qualified()) || TENSOR_TYPES.contains(global.qualified())
                || (global.module().equals("torch") && TensorDType.ofStorageClass(global.name()) != null);
    }

    /** The value of {@code callable(*args)}; {@code refused} makes the exception for a call outside the list. */
    static Object call(Global callable, Tuple args, Function<String, RuntimeException> refused) {
        String name = callable.qualified();
        return switch (name) {
            case "collections.OrderedDict" -> {
                if (args.size() != 0) {
                    throw refused.apply("OrderedDict called with arguments");
                }
                yield new LinkedHashMap<>();
            }
            case REBUILD_TENSOR_V2, "torch._utils._rebuild_tensor" -> tensor(args, refused);
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (args.size() < 1 || !(args.get(0) instanceof Tensor data)) {
                    throw refused.apply(name + " without a tensor");
                }
                yield data;
            }
            case "torch._tensor._rebuild_from_type_v2" -> {
                if (args.size() != 4 || !(args.get(0) instanceof Global func) || !func.qualified().equals(REBUILD_TENSOR_V2)
                        || !(args.get(1) instanceof Global type) || !TENSOR_TYPES.contains(type.qualified())
                        || !(args.get(2) instanceof Tuple inner)) {
                    throw refused.apply("_rebuild_from_type_v2 with other than a tensor rebuild");
                }
                yield tensor(inner, refused);
            }
            case "_codecs.encode" -> {
                if (args.size() != 2 || !(args.get(0) instanceof String text) || !"latin1".equals(args.get(1))) {
                    throw refused.apply("_codecs.encode with other than (str, 'latin1')");
                }
                yield text.getBytes(StandardCharsets.ISO_8859_1);
            }
            case "builtins.set", "__builtin__.set" -> {
                if (args.size() > 1 || (args.size() == 1 && !(args.get(0) instanceof List<?>))) {
                    throw refused.apply("set called with other than a list");
                }
                yield args.size() == 0 ? new LinkedHashSet<>() : new LinkedHashSet<>((List<?>) args.get(0));
            }
            default -> throw refused.apply("a call of " + name + ", which is not a function");
        };
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private static Tensor tensor(Tuple args, Function<String, RuntimeException> refused) {
        if (args.size() < 4 || !(args.get(0) instanceof Storage storage) || !(args.get(1) instanceof Long offset)
                || !(args.get(2) instanceof Tuple size) || !(args.get(3) instanceof Tuple stride)
                || size.size() != stride.size()) {
            throw refused.apply("a tensor rebuild with malformed arguments");
        }
        long[] sizes = longs(size, refused);
        long[] strides = longs(stride, refused);
        Tensor tensor = new Tensor(storage, offset, sizes, strides);
        checkBounds(tensor, refused);
        return tensor;
    }

    private static long[] longs(Tuple tuple, Function<String, RuntimeException> refused) {
        long[] out = new long[tuple.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(tuple.get(i) instanceof Long value) || value < 0) {
                throw refused.apply("a tensor size or stride that is not a non-negative integer");
            }
            out[i] = value;
        }
        return out;
    }

    /** The view must lie inside its storage: a huge declared size cannot make the reader allocate or read past it. */
    private static void checkBounds(Tensor tensor, Function<String, RuntimeException> refused) {
        try {
            if (tensor.offset() < 0 || tensor.numel() == 0) {
                if (tensor.offset() < 0) {
                    throw refused.apply("a tensor with a negative storage offset");
                }
                return;
            }
            long last = tensor.offset();
            for (int i = 0; i < tensor.size().length; i++) {
                last = Math.addExact(last, Math.multiplyExact(tensor.size()[i] - 1, tensor.stride()[i]));
            }
            if (last >= tensor.storage().numel()) {
                throw refused.apply("a tensor reaching element " + last + " of storage " + tensor.storage().key()
                        + " that holds " + tensor.storage().numel());
            }
        } catch (ArithmeticException e) {
            throw refused.apply("a tensor whose size overflows");
        }
    }
}
