// Steps many flows share, as a person does them.
import type { Page } from '@playwright/test';
import { AppPage } from './AppPage';
import { DataPage } from './DataPage';
import { TrainPage } from './TrainPage';

/** Opens the app, picks a built-in dataset ('Quick', 'Demo') and goes to Train once the GPU is ready. */
export async function openTrainOn(page: Page, dataset: string) {
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await data.expectDemoReady();
  await data.select(dataset);
  await app.expectGpuReady();
  await app.show('train');
  return { app, data, train: new TrainPage(page) };
}
