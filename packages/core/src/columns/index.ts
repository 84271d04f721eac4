export * from './column-config.js';
export * from './default-columns.js';
