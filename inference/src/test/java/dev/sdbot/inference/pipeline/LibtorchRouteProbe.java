package dev.sdbot.inference.pipeline;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;

/** Run in a fresh JVM by {@link LibtorchRouteTest}: loads the engine by the CUDA route's mechanism, prints where from. */
public final class LibtorchRouteProbe {
    private LibtorchRouteProbe() {
    }

    public static void main(String[] args) {
        LibtorchRoute.loadHidingBundledNative();
        System.out.println("libtorch=" + LibUtils.getLibtorchPath());
        System.out.println("offline=" + System.getProperty("ai.djl.offline"));
        System.out.println("sum=" + Engine.getInstance().newBaseManager().create(new float[] {1, 2}).sum().getFloat());
    }
}
