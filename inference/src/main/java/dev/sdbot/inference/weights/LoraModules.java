package dev.sdbot.inference.weights;

import java.util.ArrayList;
import java.util.List;

/**
 * The low-rank pairs of a LoRA file, in the tensor namings found in the wild: kohya ({@code NAME.lora_down.weight},
 * {@code .lora_up.weight}, {@code .alpha}), diffusers ({@code .lora.down.weight}, attention processors'
 * {@code _lora.down.weight}, text encoders' {@code .lora_linear_layer.down.weight}) and peft ({@code .lora_A.weight},
 * {@code .lora_B.weight}). A module without alpha is scaled by 1 (alpha = rank), as diffusers and A1111 do.
 */
final class LoraModules {
    private static final String[][] PAIRS = {
            {".lora_down.weight", ".lora_up.weight"},
            {".lora.down.weight", ".lora.up.weight"},
            {"_lora.down.weight", "_lora.up.weight"},
            {".lora_linear_layer.down.weight", ".lora_linear_layer.up.weight"},
            {".lora_A.weight", ".lora_B.weight"}};
    private static final String ALPHA = ".alpha";

    /** One pair: the module's name (the tensor names less their suffix) and its tensors; {@code alpha} may not exist. */
    record Module(String name, String down, String up, String alpha) {
    }

    private LoraModules() {
    }

    static List<Module> of(SafetensorsFile lora) {
        List<Module> modules = new ArrayList<>();
        for (String key : lora.keys()) {
            String[] pair = pair(key);
            if (pair == null) {
                throw new CheckpointException("unsupported LoRA tensor '" + key + "' in " + lora.path()
                        + " (supported: kohya lora_down/lora_up/alpha, diffusers lora.down/lora.up, peft lora_A/lora_B)");
            }
            if (key.endsWith(pair[0])) {
                String name = key.substring(0, key.length() - pair[0].length());
                if (!lora.contains(name + pair[1])) {
                    throw new CheckpointException("LoRA module " + name + " in " + lora.path() + " has no " + pair[1]);
                }
                modules.add(new Module(name, key, name + pair[1], name + ALPHA));
            }
        }
        if (modules.isEmpty()) {
            throw new CheckpointException("not a LoRA: " + lora.path() + " has no low-rank down/up tensors");
        }
        return modules;
    }

    /** The down/up suffix pair a tensor name belongs to; an alpha yields a pair too. Null for anything else. */
    private static String[] pair(String key) {
        for (String[] pair : PAIRS) {
            if (key.endsWith(pair[0]) || key.endsWith(pair[1])) {
                return pair;
            }
        }
        return key.endsWith(ALPHA) ? PAIRS[0] : null;
    }
}
