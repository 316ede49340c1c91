// Bench page (browser): plays a relay URL with mpegts.js as a tile will, and measures load() to first decoded frame.
import mpegts from 'mpegts.js';

declare global {
  interface Window {
    measureTtff(url: string): Promise<number>;
  }
}

window.measureTtff = (url: string) =>
  new Promise<number>((resolve, reject) => {
    const video = document.createElement('video');
    video.muted = true; // MSE autoplay needs muted video
    video.width = 320;
    document.body.appendChild(video);
    const player = mpegts.createPlayer({ type: 'mpegts', isLive: true, url }, { enableWorker: false, enableStashBuffer: false, liveBufferLatencyChasing: true, lazyLoad: false });
    player.attachMediaElement(video);
    const t0 = performance.now();
    const done = (ms: number) => {
      player.destroy();
      video.remove();
      resolve(ms);
    };
    (video as HTMLVideoElement & { requestVideoFrameCallback(cb: () => void): void }).requestVideoFrameCallback(() => done(performance.now() - t0));
    player.on(mpegts.Events.ERROR, (e: unknown) => reject(new Error(`mpegts error ${String(e)}`)));
    player.load();
    void Promise.resolve(player.play()).catch(() => undefined);
    setTimeout(() => reject(new Error('no frame in 10 s')), 10000);
  });
