import { describe, expect, it } from 'vitest';
import { ffprobeArgs, parseFfprobeJson, videoFileKey } from './ffprobe';

describe('parseFfprobeJson', () => {
  it('reads duration, size, frame rate and frame count of the first video stream', () => {
    const json = JSON.stringify({
      streams: [{ codec_type: 'video', codec_name: 'h264', width: 854, height: 480, avg_frame_rate: '30000/1001', nb_frames: '600' }],
      format: { duration: '20.020000' },
    });
    expect(parseFfprobeJson(json)).toEqual({ durationSec: 20.02, width: 854, height: 480, fps: 30000 / 1001, frameCount: 600, codec: 'h264' });
  });
  it('estimates the frame count from duration × fps when the container has none (WebM)', () => {
    const json = JSON.stringify({ streams: [{ codec_type: 'video', codec_name: 'vp9', width: 64, height: 48, avg_frame_rate: '0/0', r_frame_rate: '25/1' }], format: { duration: '2.0' } });
    expect(parseFfprobeJson(json)).toMatchObject({ fps: 25, frameCount: 50 });
  });
  it.each([
    ['not json', /no JSON/],
    [JSON.stringify({ streams: [], format: { duration: '3' } }), /no video stream/],
    [JSON.stringify({ streams: [{ codec_type: 'video', width: 2, height: 2, avg_frame_rate: '25/1' }], format: {} }), /no duration/],
    [JSON.stringify({ streams: [{ codec_type: 'video', width: 2, height: 2, avg_frame_rate: '0/0' }], format: { duration: '1' } }), /no frame rate/],
  ])('says what is missing: %s', (text, reason) => {
    expect(() => parseFfprobeJson(text)).toThrow(reason);
  });
  it('asks ffprobe for JSON of the first video stream', () => {
    expect(ffprobeArgs('/x.mp4')).toEqual(expect.arrayContaining(['-print_format', 'json', '-select_streams', 'v:0', '/x.mp4']));
  });
});

describe('videoFileKey', () => {
  it('changes with path, size or mtime', () => {
    const k = videoFileKey('/a.mp4', 10, 1000);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(videoFileKey('/a.mp4', 10, 1000.2)).toBe(k);
    expect(videoFileKey('/b.mp4', 10, 1000)).not.toBe(k);
    expect(videoFileKey('/a.mp4', 11, 1000)).not.toBe(k);
    expect(videoFileKey('/a.mp4', 10, 2000)).not.toBe(k);
  });
});
