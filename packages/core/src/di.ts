/**
 * The package's dependency-injection entry: loads the `reflect-metadata` polyfill before
 * any decorated class, and re-exports what the package uses from tsyringe.
 */
import 'reflect-metadata';

export { container, type DependencyContainer, inject, injectable, Lifecycle } from 'tsyringe';
