//! A light per button, lit for the scale point (or button) that is
//! highlighted, or that was just chosen, so a person who follows the buttons
//! rather than the screen sees where they are.
//!
//! [`PinOutputs`] is the port: [`RppalLights`] drives real GPIO outputs;
//! [`FakeLights`] records what tests set.

use std::sync::{Arc, Mutex};

use super::gpio::{GpioError, PinMap, Role};
use crate::core::Choice;

pub trait PinOutputs: Send {
    fn set(&mut self, pin: u8, on: bool);
}

/// Which roles' lights are on: the highlighted one, and the point just chosen.
pub fn lit_roles(highlighted: Option<Choice>, just_chosen: Option<usize>) -> Vec<Role> {
    let mut roles: Vec<Role> = just_chosen.map(Role::Point).into_iter().collect();
    let highlighted = match highlighted {
        Some(Choice::Point(n)) => Some(Role::Point(n)),
        Some(Choice::SayAgain) => Some(Role::SayAgain),
        _ => None,
    };
    roles.extend(highlighted.filter(|role| !roles.contains(role)));
    roles
}

/// The lights of a panel: which pin lights which role, and their state.
pub struct Lights {
    map: PinMap,
    outputs: Box<dyn PinOutputs>,
    on: Vec<u8>,
}

impl Lights {
    pub fn new(map: PinMap, outputs: Box<dyn PinOutputs>) -> Lights {
        let mut lights = Lights {
            map,
            outputs,
            on: Vec::new(),
        };
        for pin in lights.map.pin_numbers() {
            lights.outputs.set(pin, false);
        }
        lights
    }

    /// Lights exactly these roles; only pins that change are written.
    pub fn show(&mut self, roles: &[Role]) {
        let wanted: Vec<u8> = self
            .map
            .pins
            .iter()
            .filter(|(_, role)| roles.contains(role))
            .map(|(pin, _)| *pin)
            .collect();
        for &(pin, _) in &self.map.pins {
            let (was, is) = (self.on.contains(&pin), wanted.contains(&pin));
            if was != is {
                self.outputs.set(pin, is);
            }
        }
        self.on = wanted;
    }
}

/// Real GPIO outputs, through `rppal`.
pub struct RppalLights {
    pins: Vec<rppal::gpio::OutputPin>,
}

impl RppalLights {
    pub fn open(pins: &[u8]) -> Result<RppalLights, GpioError> {
        let gpio = rppal::gpio::Gpio::new().map_err(|e| GpioError::Unavailable(e.to_string()))?;
        let pins = pins
            .iter()
            .map(|&pin| {
                gpio.get(pin)
                    .map(|p| p.into_output_low())
                    .map_err(|e| GpioError::Pin {
                        pin,
                        reason: e.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(RppalLights { pins })
    }
}

impl PinOutputs for RppalLights {
    fn set(&mut self, pin: u8, on: bool) {
        if let Some(output) = self.pins.iter_mut().find(|p| p.pin() == pin) {
            if on {
                output.set_high();
            } else {
                output.set_low();
            }
        }
    }
}

/// Lights for tests: the pins that are on.
#[derive(Clone, Default)]
pub struct FakeLights(Arc<Mutex<Vec<u8>>>);

impl FakeLights {
    pub fn on(&self) -> Vec<u8> {
        let mut on = self.0.lock().expect("fake lights lock").clone();
        on.sort();
        on
    }
}

impl PinOutputs for FakeLights {
    fn set(&mut self, pin: u8, on: bool) {
        let mut lit = self.0.lock().expect("fake lights lock");
        lit.retain(|p| *p != pin);
        if on {
            lit.push(pin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highlight_and_the_point_just_chosen_are_lit() {
        assert_eq!(lit_roles(None, None), []);
        assert_eq!(lit_roles(Some(Choice::Point(1)), None), [Role::Point(1)]);
        assert_eq!(
            lit_roles(Some(Choice::SayAgain), Some(2)),
            [Role::Point(2), Role::SayAgain]
        );
        assert_eq!(lit_roles(Some(Choice::Point(2)), Some(2)), [Role::Point(2)]);
        assert_eq!(
            lit_roles(Some(Choice::Finish), None),
            [],
            "no button lights for finish"
        );
    }

    #[test]
    fn only_the_wanted_pins_are_on() {
        let fake = FakeLights::default();
        let map = PinMap {
            pins: vec![
                (5, Role::Point(0)),
                (6, Role::Point(1)),
                (13, Role::SayAgain),
            ],
        };
        let mut lights = Lights::new(map, Box::new(fake.clone()));
        lights.show(&[Role::Point(1), Role::SayAgain]);
        assert_eq!(fake.on(), [6, 13]);
        lights.show(&[Role::Point(0)]);
        assert_eq!(fake.on(), [5]);
        lights.show(&[]);
        assert_eq!(fake.on(), Vec::<u8>::new());
    }
}
