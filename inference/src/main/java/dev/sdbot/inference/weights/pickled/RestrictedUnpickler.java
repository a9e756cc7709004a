package dev.sdbot.inference.weights.pickled;

import dev.sdbot.inference.weights.pickled.PickleValues.Global;
import dev.sdbot.inference.weights.pickled.PickleValues.None;
import dev.sdbot.inference.weights.pickled.PickleValues.Storage;
import dev.sdbot.inference.weights.pickled.PickleValues.Tuple;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Interprets the pickle program of a {@code torch.save} archive without ever calling code: only the values
 * {@code torch.load(weights_only=True)} allows are built (tensors, storages, ordered dicts, lists, tuples, sets,
 * strings, numbers, bytes). A global outside {@link TorchCalls}'s allowlist, an object construction opcode or a
 * malformed program stops the read with a {@link PickleRefusedException} naming the offending part.
 */
final class RestrictedUnpickler {
    private static final int MAX_STACK = 1 << 20;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final String source;
    private final Function<Tuple, Storage> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(byte[] program, String source, Function<Tuple, Storage> persistentLoad) {
        this.in = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.persistentLoad = persistentLoad;
    }

    /**
     * Runs {@code program} and returns the value it builds.
     *
     * @param source named in error messages
     */
    static Object load(byte[] program, String source) {
        return new RestrictedUnpickler(program, source, RestrictedUnpickler::storage).run();
    }

    /** A persistent id of torch's zip format: {@code ('storage', torch.XxxStorage, key, location, numel)}. */
    private static Storage storage(Tuple pid) {
        if (pid.size() != 5 || !"storage".equals(pid.get(0)) || !(pid.get(1) instanceof Global type)
                || !(pid.get(2) instanceof String key) || !(pid.get(4) instanceof Long numel)) {
            throw new PickleRefusedException("unexpected persistent id " + pid.items() + " (not a torch storage)");
        }
        TensorDType dtype = TensorDType.ofStorageClass(type.name());
        if (dtype == null || !type.module().equals("torch")) {
            throw new PickleRefusedException("storage of unsupported type " + type.qualified());
        }
        if (!STORAGE_KEY.matcher(key).matches()) {
            throw new PickleRefusedException("storage key '" + key + "' is not a plain name");
        }
        if (numel < 0) {
            throw new PickleRefusedException("storage " + key + " declares a negative size");
        }
        return new Storage(dtype, key, numel);
    }

    private Object run() {
        while (in.hasRemaining()) {
            int op = in.get() & 0xff;
            if (op == '.') {
                if (stack.size() != 1 || !marks.isEmpty()) {
                    throw refused("the program stops with " + stack.size() + " values on its stack");
                }
                return stack.get(0);
            }
            try {
                step(op);
            } catch (java.nio.BufferUnderflowException | NumberFormatException e) {
                throw refused("an argument running past the end of the program or not a number");
            }
            if (stack.size() > MAX_STACK) {
                throw refused("the program's stack grows past " + MAX_STACK + " values");
            }
        }
        throw refused("the program ends without STOP");
    }

    private void step(int op) {
        switch (op) {
            case 0x80 -> in.get(); // PROTO
            case 0x95 -> in.getLong(); // FRAME: a length hint only
            case '(' -> marks.add(stack.size());
            case '0' -> pop();
            case '1' -> popMark();
            case '2' -> push(peek());
            case 'N' -> push(None.NONE);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'J' -> push((long) in.getInt());
            case 'K' -> push((long) (in.get() & 0xff));
            case 'M' -> push((long) (in.getShort() & 0xffff));
            case 'I' -> push(textInt(line()));
            case 'L' -> push(integer(new BigInteger(stripSuffix(line(), "L"))));
            case 0x8a -> push(littleEndianInt(bytes(in.get() & 0xff)));
            case 0x8b -> push(littleEndianInt(bytes(length(in.getInt() & 0xffffffffL, 4096))));
            case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble()); // big-endian, ByteBuffer's default
            case 'F' -> push(Double.parseDouble(line()));
            case 'X' -> push(utf8(length(in.getInt() & 0xffffffffL, Long.MAX_VALUE)));
            case 0x8c -> push(utf8(in.get() & 0xff));
            case 0x8d -> push(utf8(length(in.getLong(), Long.MAX_VALUE)));
            case 'T' -> push(latin1(length(in.getInt() & 0xffffffffL, Long.MAX_VALUE)));
            case 'U' -> push(latin1(in.get() & 0xff));
            case 'B' -> push(bytes(length(in.getInt() & 0xffffffffL, Long.MAX_VALUE)));
            case 'C' -> push(bytes(in.get() & 0xff));
            case 0x8e -> push(bytes(length(in.getLong(), Long.MAX_VALUE)));
            case ')' -> push(new Tuple(List.of()));
            case 't' -> push(new Tuple(List.copyOf(popMark())));
            case 0x85 -> push(tupleOf(1));
            case 0x86 -> push(tupleOf(2));
            case 0x87 -> push(tupleOf(3));
            case ']' -> push(new ArrayList<>());
            case 'l' -> push(new ArrayList<>(popMark()));
            case 'a' -> list(peekBelow(1)).add(pop());
            case 'e' -> appends();
            case '}' -> push(new LinkedHashMap<>());
            case 'd' -> push(dictOf(popMark()));
            case 's' -> setItem();
            case 'u' -> setItems();
            case 0x8f -> push(new LinkedHashSet<>());
            case 0x90 -> addItems();
            case 0x91 -> push(Set.copyOf(popMark()));
            case 'g' -> push(memoGet(Long.parseLong(line())));
            case 'h' -> push(memoGet(in.get() & 0xff));
            case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));
            case 'p' -> memo.put(Long.parseLong(line()), peek());
            case 'q' -> memo.put((long) (in.get() & 0xff), peek());
            case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
            case 0x94 -> memo.put((long) memo.size(), peek());
            case 'c' -> push(global(line(), line()));
            case 0x93 -> stackGlobal();
            case 'R' -> reduce();
            case 'b' -> build();
            case 'Q' -> push(persistent(pop()));
            case 'P' -> throw refused("a text persistent id (protocol 0), which torch.save never writes");
            case 0x81, 0x92, 'i', 'o' -> throw refused("an object construction opcode (0x" + Integer.toHexString(op)
                    + "), which builds instances of arbitrary classes");
            case 0x82, 0x83, 0x84 -> throw refused("an extension-registry opcode (0x" + Integer.toHexString(op) + ")");
            default -> throw refused("an unsupported opcode 0x" + Integer.toHexString(op));
        }
    }

    private Global global(String module, String name) {
        Global global = new Global(module, name);
        if (!TorchCalls.allowed(global)) {
            throw refused("the global " + global.qualified() + ", which is not a tensor, storage or container"
                    + " (only what torch.load(weights_only=True) allows is read)");
        }
        return global;
    }

    private void stackGlobal() {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
            throw refused("STACK_GLOBAL without two strings");
        }
        push(global(m, n));
    }

    private void reduce() {
        Object args = pop();
        Object callable = pop();
        if (!(callable instanceof Global global) || !(args instanceof Tuple tuple)) {
            throw refused("a call of something that is not an allowed global");
        }
        push(TorchCalls.call(global, tuple, this::refused));
    }

    /** BUILD sets an object's state: only the attribute dict of an OrderedDict (state_dict's _metadata) is accepted. */
    private void build() {
        Object state = pop();
        Object target = peek();
        boolean harmless = state == None.NONE || state instanceof Map<?, ?>;
        if (!(target instanceof Map<?, ?> || target instanceof PickleValues.Tensor) || !harmless) {
            throw refused("BUILD of a " + typeName(target) + " with a " + typeName(state) + " state");
        }
    }

    private Storage persistent(Object pid) {
        if (!(pid instanceof Tuple tuple)) {
            throw refused("a persistent id that is not a tuple");
        }
        return persistentLoad.apply(tuple);
    }

    private void appends() {
        List<Object> items = popMark();
        list(peek()).addAll(items);
    }

    private void setItem() {
        Object value = pop();
        Object key = pop();
        map(peek()).put(key, value);
    }

    private void setItems() {
        List<Object> items = popMark();
        if (items.size() % 2 != 0) {
            throw refused("SETITEMS with an odd number of values");
        }
        Map<Object, Object> map = map(peek());
        for (int i = 0; i < items.size(); i += 2) {
            map.put(items.get(i), items.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private void addItems() {
        List<Object> items = popMark();
        if (!(peek() instanceof Set<?> set) || set.getClass() != LinkedHashSet.class) {
            throw refused("ADDITEMS to something that is not a set");
        }
        ((Set<Object>) set).addAll(items);
    }

    private Map<Object, Object> dictOf(List<Object> items) {
        if (items.size() % 2 != 0) {
            throw refused("DICT with an odd number of values");
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            map.put(items.get(i), items.get(i + 1));
        }
        return map;
    }

    private Tuple tupleOf(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return new Tuple(List.of(items));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> list) {
            return (List<Object>) list;
        }
        throw refused("APPEND to a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o) {
        if (o instanceof LinkedHashMap<?, ?> map) {
            return (Map<Object, Object>) map;
        }
        throw refused("SETITEM on a " + typeName(o));
    }

    private Object memoGet(long index) {
        Object value = memo.get(index);
        if (value == null) {
            throw refused("a memo lookup of index " + index + " that was never stored");
        }
        return value;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        int top = stack.size() - 1;
        if (top < 0 || (!marks.isEmpty() && marks.get(marks.size() - 1) > top)) {
            throw refused("a pop from an empty stack");
        }
        return stack.remove(top);
    }

    private Object peek() {
        return peekBelow(0);
    }

    private Object peekBelow(int depth) {
        int index = stack.size() - 1 - depth;
        if (index < 0 || (!marks.isEmpty() && marks.get(marks.size() - 1) > index)) {
            throw refused("a read from an empty stack");
        }
        return stack.get(index);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw refused("a MARK-terminated opcode without MARK");
        }
        int mark = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(mark, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    private int length(long declared, long cap) {
        if (declared < 0 || declared > in.remaining() || declared > cap) {
            throw refused("a value declaring " + declared + " bytes with " + in.remaining() + " left in the program");
        }
        return (int) declared;
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[length(n, Long.MAX_VALUE)];
        in.get(out);
        return out;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private String line() {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                String text = new String(in.array(), start, i - start, StandardCharsets.US_ASCII);
                in.position(i + 1);
                return text;
            }
        }
        throw refused("a text argument without its end of line");
    }

    private Object textInt(String text) {
        return switch (text) {
            case "00" -> Boolean.FALSE;
            case "01" -> Boolean.TRUE;
            default -> integer(new BigInteger(text));
        };
    }

    private static Object littleEndianInt(byte[] bytes) {
        byte[] bigEndian = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bigEndian[i] = bytes[bytes.length - 1 - i];
        }
        return integer(bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bigEndian));
    }

    private static Object integer(BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private static String stripSuffix(String text, String suffix) {
        return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
    }

    static String typeName(Object o) {
        return o == null ? "nothing" : o.getClass().getSimpleName();
    }

    PickleRefusedException refused(String what) {
        return new PickleRefusedException("refused to load " + source + ": its pickle contains " + what
                + "; nothing in it was executed");
    }
}
