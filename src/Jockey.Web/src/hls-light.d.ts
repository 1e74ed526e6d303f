// hls.js's light build (`hls.js/light`) ships without its own types; it is the same API as the full build.
declare module 'hls.js/light' {
  export { default } from 'hls.js'
}
